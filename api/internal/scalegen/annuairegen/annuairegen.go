// Package annuairegen writes a synthetic service-public.fr annuaire bulk
// file (format v4, {"service": […]}) the size of the national one: about
// 70,000 local offices, ≈ 270 MB, each record shaped like the DILA's
// (every member of the sample record in testdata, in the same order), a
// town hall in every commune of the real communes reference, then
// gendarmeries, France services, tax offices, CAF and the other kinds of
// office, each serving communes of its département (pivot
// code_insee_commune), as the real file lists them.
//
// The output is deterministic for given options. Revisions of a file (for
// the importer's tests and benchmark of a second import) change a few
// records and leave some out.
package annuairegen

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/geo"
)

// NationalServices is the number of offices of the national file.
const NationalServices = 70_000

// Options shape a generated file.
type Options struct {
	// Services is the number of records (NationalServices when zero).
	Services int
	// Seed makes the file reproducible.
	Seed uint64
	// Revision > 0 makes a later edition of the file: every 97th record
	// has a new phone number and modification date, and every 101st record
	// (after the first 1,000) is left out (withdrawn by its source).
	Revision int
	// Omit, when set, leaves out the records it is true for (by position,
	// from 0), besides the revision's.
	Omit func(i int) bool
}

// Stats is what was written.
type Stats struct {
	Services, Omitted int
	Bytes             int64
	// CoverageCommunes counts the communes listed in pivot[].code_insee_commune.
	CoverageCommunes int
}

// kind is a kind of local office and how many communes it serves.
type kind struct {
	pivot, label string
	// serves is the number of communes of its département listed (0: the
	// office's commune only); weight its share of the non-town-hall offices.
	serves, weight int
	mission        string
}

// kinds: shares roughly those of the national file (after the ≈ 35,000
// town halls: gendarmeries, France services, social action centres,
// France Travail, tax offices, CAF, CPAM…).
var kinds = []kind{
	{"gendarmerie", "Brigade de gendarmerie", 12, 90, ""},
	{"msap", "France services", 8, 75, "<p>France services vous accompagne dans vos démarches administratives du quotidien : emploi, retraite, famille, social, santé, logement, énergie, accès au droit…</p>"},
	{"ccas", "Centre communal d'action sociale (CCAS)", 0, 80, "<p>Le CCAS anime une action générale de prévention et de développement social dans la commune.</p>"},
	{"pole_emploi", "France Travail", 20, 25, "<p>France Travail accompagne les demandeurs d'emploi et les entreprises.</p>"},
	{"sip", "Service des impôts des particuliers (SIP)", 40, 18, "<p>Le SIP est l'interlocuteur des particuliers pour le calcul, le paiement et les réclamations concernant l'impôt sur le revenu, la taxe d'habitation et les taxes foncières.</p>"},
	{"caf", "Caisse d'allocations familiales (CAF)", 150, 10, "<p>La CAF verse les prestations familiales, les aides au logement, le RSA et la prime d'activité.</p>"},
	{"cpam", "Caisse primaire d'assurance maladie (CPAM)", 120, 14, "<p>La CPAM rembourse les soins et verse les indemnités journalières.</p>"},
	{"mission_locale", "Mission locale", 25, 12, "<p>La mission locale accompagne les jeunes de 16 à 25 ans dans leur insertion professionnelle et sociale.</p>"},
	{"pmi", "Centre de protection maternelle et infantile (PMI)", 10, 20, ""},
	{"cio", "Centre d'information et d'orientation (CIO)", 30, 8, ""},
	{"tribunal_judiciaire", "Tribunal judiciaire", 200, 5, "<p>Le tribunal judiciaire juge les litiges civils et les infractions pénales.</p>"},
	{"sous_pref", "Sous-préfecture", 60, 5, ""},
	{"maison_handicapees", "Maison départementale des personnes handicapées (MDPH)", 0, 3, ""},
	{"mairie_mobile", "Mairie annexe", 0, 10, ""},
	{"epci", "Intercommunalité", 25, 15, "<p>La communauté de communes exerce les compétences que les communes lui ont transférées.</p>"},
	{"ecole_maternelle", "École", 1, 40, ""},
	{"adil", "Agence départementale pour l'information sur le logement (ADIL)", 0, 3, ""},
	{"clic", "Point d'information local dédié aux personnes âgées (CLIC)", 15, 8, ""},
}

var firstNames = []string{"Marie", "Jean", "Nathalie", "Philippe", "Isabelle", "Michel", "Sylvie", "Alain", "Catherine", "Patrick", "Christine", "Éric"}

var lastNames = []string{"Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel"}

var days = []string{"Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi"}

var streets = []string{"rue de la République", "place de la Mairie", "avenue du Général-de-Gaulle", "rue Victor-Hugo",
	"rue Jean-Jaurès", "place de l'Église", "rue Pasteur", "boulevard Gambetta", "rue de la Gare", "chemin des Écoles"}

// Write writes the file to w.
func Write(w io.Writer, ref *geo.Reference, opt Options) (Stats, error) {
	if opt.Services <= 0 {
		opt.Services = NationalServices
	}
	var communes []*domain.Commune
	for _, d := range ref.Departements() {
		communes = append(communes, ref.CommunesOfDepartement(d.Code)...)
	}
	if len(communes) == 0 {
		return Stats{}, fmt.Errorf("annuairegen: empty communes reference")
	}
	var totalWeight int
	for _, k := range kinds {
		totalWeight += k.weight
	}
	cw := &countingWriter{w: w}
	bw := bufio.NewWriterSize(cw, 256<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	var st Stats
	if _, err := bw.WriteString(`{"_comment": "Fichier synthétique (annuairegen) au format de l'annuaire de l'administration, version 4", "service": [` + "\n"); err != nil {
		return st, err
	}
	first := true
	for i := range opt.Services {
		// One random stream per record: a record does not depend on the
		// ones left out before it.
		rng := rand.New(rand.NewPCG(opt.Seed, uint64(i)))
		var k kind
		var c *domain.Commune
		if i < len(communes) {
			k, c = kind{pivot: "mairie", label: "Mairie"}, communes[i]
		} else {
			n := rng.IntN(totalWeight)
			for _, kk := range kinds {
				if n < kk.weight {
					k = kk
					break
				}
				n -= kk.weight
			}
			c = communes[rng.IntN(len(communes))]
		}
		if omitted(i, opt) {
			st.Omitted++
			continue
		}
		rec := record(rng, i, k, c, ref, opt)
		st.CoverageCommunes += len(rec.Pivot[0].Communes)
		if !first {
			if _, err := bw.WriteString(",\n"); err != nil {
				return st, err
			}
		}
		first = false
		if err := enc.Encode(rec); err != nil {
			return st, err
		}
		st.Services++
	}
	if _, err := bw.WriteString("]}\n"); err != nil {
		return st, err
	}
	if err := bw.Flush(); err != nil {
		return st, err
	}
	st.Bytes = cw.n
	return st, nil
}

func omitted(i int, opt Options) bool {
	if opt.Omit != nil && opt.Omit(i) {
		return true
	}
	return opt.Revision > 0 && i >= 1000 && i%101 == 0
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// The record, member by member as in the DILA's file.
type (
	service struct {
		PlageOuverture             []opening   `json:"plage_ouverture"`
		SiteInternet               []link      `json:"site_internet"`
		Copyright                  string      `json:"copyright"`
		Siren                      string      `json:"siren"`
		AncienCodePivot            string      `json:"ancien_code_pivot"`
		ReseauSocial               []link      `json:"reseau_social"`
		TexteReference             []any       `json:"texte_reference"`
		Partenaire                 string      `json:"partenaire"`
		Telecopie                  []string    `json:"telecopie"`
		Nom                        string      `json:"nom"`
		Siret                      string      `json:"siret"`
		ItmIdentifiant             string      `json:"itm_identifiant"`
		Sigle                      string      `json:"sigle"`
		AffectationPersonne        []person    `json:"affectation_personne"`
		DateModification           string      `json:"date_modification"`
		AdresseCourriel            []string    `json:"adresse_courriel"`
		ServiceDisponible          string      `json:"service_disponible"`
		Organigramme               []any       `json:"organigramme"`
		Pivot                      []pivot     `json:"pivot"`
		PartenaireIdentifiant      string      `json:"partenaire_identifiant"`
		AncienIdentifiant          []string    `json:"ancien_identifiant"`
		ID                         string      `json:"id"`
		AncienNom                  []string    `json:"ancien_nom"`
		CommentairePlageOuverture  string      `json:"commentaire_plage_ouverture"`
		Annuaire                   []any       `json:"annuaire"`
		Tchat                      []link      `json:"tchat"`
		Hierarchie                 []hierarchy `json:"hierarchie"`
		Categorie                  string      `json:"categorie"`
		Sve                        []link      `json:"sve"`
		TelephoneAccessible        []phone     `json:"telephone_accessible"`
		ApplicationMobile          []any       `json:"application_mobile"`
		VersionType                string      `json:"version_type"`
		TypeRepertoire             string      `json:"type_repertoire"`
		Telephone                  []phone     `json:"telephone"`
		VersionEtatModification    string      `json:"version_etat_modification"`
		DateCreation               string      `json:"date_creation"`
		PartenaireDateModification string      `json:"partenaire_date_modification"`
		Mission                    string      `json:"mission"`
		FormulaireContact          []link      `json:"formulaire_contact"`
		VersionSource              string      `json:"version_source"`
		TypeOrganisme              string      `json:"type_organisme"`
		CodeInseeCommune           string      `json:"code_insee_commune"`
		StatutDeDiffusion          string      `json:"statut_de_diffusion"`
		Adresse                    []address   `json:"adresse"`
		URLServicePublic           string      `json:"url_service_public"`
		InformationComplementaire  string      `json:"information_complementaire"`
		DateDiffusion              string      `json:"date_diffusion"`
	}
	opening struct {
		NomJourDebut      string `json:"nom_jour_debut"`
		NomJourFin        string `json:"nom_jour_fin"`
		ValeurHeureDebut1 string `json:"valeur_heure_debut_1"`
		ValeurHeureFin1   string `json:"valeur_heure_fin_1"`
		ValeurHeureDebut2 string `json:"valeur_heure_debut_2"`
		ValeurHeureFin2   string `json:"valeur_heure_fin_2"`
		Commentaire       string `json:"commentaire"`
	}
	link struct {
		Libelle string `json:"libelle"`
		Valeur  string `json:"valeur"`
	}
	phone struct {
		Valeur      string `json:"valeur"`
		Description string `json:"description"`
	}
	// person is an affectation_personne entry (the officials of the office).
	person struct {
		Fonction  string   `json:"fonction"`
		Personne  personne `json:"personne"`
		Telephone []phone  `json:"telephone"`
		Adresse   []string `json:"adresse_courriel"`
		Texte     []any    `json:"texte_reference"`
	}
	personne struct {
		Civilite           string `json:"civilite"`
		Prenom             string `json:"prenom"`
		Nom                string `json:"nom"`
		GradeDistinction   string `json:"grade_distinction"`
		TexteReference     []any  `json:"texte_reference"`
		AffectationDebut   string `json:"date_debut_affectation"`
		PlanPersonnel      string `json:"plan_personnel"`
		IdentifiantExterne string `json:"identifiant_externe"`
	}
	hierarchy struct {
		TypeHierarchie string `json:"type_hierarchie"`
		Service        string `json:"service"`
	}
	pivot struct {
		TypeServiceLocal string   `json:"type_service_local"`
		Communes         []string `json:"code_insee_commune"`
	}
	address struct {
		TypeAdresse         string `json:"type_adresse"`
		Complement1         string `json:"complement1"`
		Complement2         string `json:"complement2"`
		NumeroVoie          string `json:"numero_voie"`
		ServiceDistribution string `json:"service_distribution"`
		CodePostal          string `json:"code_postal"`
		NomCommune          string `json:"nom_commune"`
		Pays                string `json:"pays"`
		Continent           string `json:"continent"`
		Longitude           string `json:"longitude"`
		Latitude            string `json:"latitude"`
		Accessibilite       string `json:"accessibilite"`
		NoteAccessibilite   string `json:"note_accessibilite"`
	}
)

func record(rng *rand.Rand, i int, k kind, c *domain.Commune, ref *geo.Reference, opt Options) *service {
	id := fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<12), rng.IntN(1<<12), uint64(i))
	slug := strings.ToLower(strings.NewReplacer(" ", "-", "'", "-").Replace(geo.NormalizeName(c.Name)))
	postal := c.Code
	if len(c.PostalCodes) > 0 {
		postal = c.PostalCodes[0]
	}
	modified := time.Date(2022, 1, 3, 9, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(3*365*24)) * time.Hour)
	dial := "0" + string("1234559"[rng.IntN(7)])
	tel := fmt.Sprintf("%s %02d %02d %02d %02d", dial, rng.IntN(100), rng.IntN(100), rng.IntN(100), rng.IntN(100))
	if opt.Revision > 0 && i%97 == 0 {
		tel = fmt.Sprintf("%s %02d %02d %02d %02d", dial, opt.Revision%100, rng.IntN(100), rng.IntN(100), rng.IntN(100))
		modified = modified.AddDate(1, 0, opt.Revision)
	}
	served := []string{c.Code}
	if k.serves > 0 {
		dep := ref.CommunesOfDepartement(c.Departement)
		n := min(k.serves, len(dep))
		start := rng.IntN(len(dep))
		served = served[:0]
		for j := range n {
			served = append(served, dep[(start+j)%len(dep)].Code)
		}
		served = append(served, c.Code)
	}
	// The old pivot code (the contact point's identity) is unique: the
	// town hall is number 01 of its commune, other offices take their rank.
	number := 1
	if k.pivot != "mairie" {
		number = i
	}
	s := &service{
		Copyright:       "Direction de l'information légale et administrative (Première ministre)",
		AncienCodePivot: fmt.Sprintf("%s-%s-%02d", k.pivot, c.Code, number),
		ReseauSocial:    []link{}, TexteReference: []any{}, AffectationPersonne: []person{}, Organigramme: []any{},
		Telecopie:         []string{fmt.Sprintf("%s %02d %02d %02d %02d", dial, rng.IntN(100), rng.IntN(100), rng.IntN(100), rng.IntN(100))},
		Nom:               k.label + " - " + c.Name,
		Siret:             fmt.Sprintf("2%013d", rng.Int64N(1e13)),
		ItmIdentifiant:    fmt.Sprint(100000 + i),
		DateModification:  modified.Format("02/01/2006 15:04:05"),
		AdresseCourriel:   []string{k.pivot + "@" + slug + ".fr"},
		Pivot:             []pivot{{TypeServiceLocal: k.pivot, Communes: served}},
		AncienIdentifiant: []string{}, AncienNom: []string{}, Annuaire: []any{}, Tchat: []link{}, Hierarchie: []hierarchy{},
		ID:        id,
		Categorie: "SL",
		Sve:       []link{}, TelephoneAccessible: []phone{}, ApplicationMobile: []any{},
		VersionType:       "Publiable",
		Telephone:         []phone{{Valeur: tel}},
		DateCreation:      "18/01/2012 00:00:00",
		Mission:           k.mission,
		FormulaireContact: []link{},
		CodeInseeCommune:  c.Code,
		StatutDeDiffusion: "true",
		Adresse: []address{{
			TypeAdresse: "Adresse", NumeroVoie: fmt.Sprintf("%d %s", 1+rng.IntN(60), streets[rng.IntN(len(streets))]),
			CodePostal: postal, NomCommune: c.Name,
			Longitude: fmt.Sprintf("%.11f", c.Longitude+rng.Float64()/100), Latitude: fmt.Sprintf("%.10f", c.Latitude+rng.Float64()/100),
			Accessibilite: []string{"ACC", "DEM", "NAC", ""}[rng.IntN(4)],
		}},
		URLServicePublic: "https://lannuaire.service-public.fr/" + c.Departement + "/" + id,
		SiteInternet:     []link{{Valeur: "https://www." + slug + ".fr"}},
	}
	if k.pivot != "mairie" && rng.IntN(3) == 0 {
		s.FormulaireContact = []link{{Libelle: "Formulaire de contact", Valeur: "https://www." + slug + ".fr/contact"}}
	}
	if k.pivot == "caf" || k.pivot == "cpam" || k.pivot == "sip" {
		s.Sve = []link{{Libelle: "Espace en ligne", Valeur: "https://www." + k.pivot + ".fr/mon-compte"}}
		s.Telephone = append(s.Telephone, phone{Valeur: "3230", Description: "Service gratuit + prix d'un appel"})
	}
	// Officials (the mayor and deputies of a town hall, the head of an
	// office) and the parent service, as most real records list them.
	functions := []string{"Maire", "Premier adjoint", "Deuxième adjoint", "Secrétaire de mairie"}
	if k.pivot != "mairie" {
		functions = []string{"Responsable", "Responsable adjoint"}
	}
	for f, fn := range functions[:1+rng.IntN(len(functions))] {
		s.AffectationPersonne = append(s.AffectationPersonne, person{
			Fonction: fn,
			Personne: personne{Civilite: []string{"Madame", "Monsieur"}[rng.IntN(2)], Prenom: firstNames[rng.IntN(len(firstNames))],
				Nom: strings.ToUpper(lastNames[rng.IntN(len(lastNames))]), TexteReference: []any{},
				AffectationDebut: modified.AddDate(-2, 0, f).Format("02/01/2006"), IdentifiantExterne: fmt.Sprintf("%s-%d-%d", id[:8], i, f)},
			Telephone: []phone{}, Adresse: []string{}, Texte: []any{},
		})
	}
	s.Hierarchie = append(s.Hierarchie, hierarchy{TypeHierarchie: "Service Fils", Service: fmt.Sprintf("%08x-0000-4000-8000-%012x", rng.Uint32(), rng.IntN(1<<20))})
	s.InformationComplementaire = "<p>Accueil du public sur rendez-vous en dehors des horaires d'ouverture. " +
		"Pour toute démarche, munissez-vous d'une pièce d'identité et d'un justificatif de domicile de moins de trois mois.</p>" +
		"<p>Les personnes en situation de handicap peuvent demander un accompagnement lors de leur venue : signalez-le à l'accueil " +
		"ou par téléphone avant votre rendez-vous. Un point numérique en libre accès permet d'effectuer vos démarches en ligne.</p>"
	if k.mission == "" {
		s.Mission = "<p>" + k.label + " accueille, informe et oriente les habitants de " + c.Name + " dans leurs démarches.</p>"
	}
	// Opening hours: mornings on 3 to 5 days, afternoons on some.
	for d, day := range days[:3+rng.IntN(3)] {
		o := opening{NomJourDebut: day, NomJourFin: day, ValeurHeureDebut1: "09:00:00", ValeurHeureFin1: "12:00:00"}
		if (d+i)%2 == 0 {
			o.ValeurHeureDebut2, o.ValeurHeureFin2 = "13:30:00", "17:00:00"
		}
		if d == 1 && rng.IntN(4) == 0 {
			o.Commentaire = "Accueil ouvert uniquement hors vacances scolaires l'après-midi."
		}
		s.PlageOuverture = append(s.PlageOuverture, o)
	}
	return s
}
