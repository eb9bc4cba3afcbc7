package importer

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// v4Service is one record of the current annuaire format (bulk file or
// Opendatasoft export). Only the fields the directory uses are read.
type v4Service struct {
	ID                        text            `json:"id"`
	AncienCodePivot           text            `json:"ancien_code_pivot"`
	Nom                       text            `json:"nom"`
	Pivot                     list[v4Pivot]   `json:"pivot"`
	CodeInseeCommune          text            `json:"code_insee_commune"`
	Adresse                   list[v4Address] `json:"adresse"`
	Telephone                 list[v4Phone]   `json:"telephone"`
	TelephoneAccessible       list[v4Phone]   `json:"telephone_accessible"`
	AdresseCourriel           list[text]      `json:"adresse_courriel"`
	FormulaireContact         list[v4Link]    `json:"formulaire_contact"`
	SiteInternet              list[v4Link]    `json:"site_internet"`
	Sve                       list[v4Link]    `json:"sve"`
	Tchat                     list[v4Link]    `json:"tchat"`
	PlageOuverture            list[v4Opening] `json:"plage_ouverture"`
	CommentairePlageOuverture text            `json:"commentaire_plage_ouverture"`
	Mission                   text            `json:"mission"`
	DateModification          text            `json:"date_modification"`
}

func (v *v4Service) UnmarshalJSON(b []byte) error {
	type plain v4Service
	decodeObject(b, (*plain)(v))
	return nil
}

type v4Pivot struct {
	TypeServiceLocal text       `json:"type_service_local"`
	CodeInseeCommune list[text] `json:"code_insee_commune"`
}

func (v *v4Pivot) UnmarshalJSON(b []byte) error {
	type plain v4Pivot
	decodeObject(b, (*plain)(v))
	return nil
}

type v4Address struct {
	TypeAdresse         text `json:"type_adresse"`
	Complement1         text `json:"complement1"`
	Complement2         text `json:"complement2"`
	NumeroVoie          text `json:"numero_voie"`
	ServiceDistribution text `json:"service_distribution"`
	CodePostal          text `json:"code_postal"`
	NomCommune          text `json:"nom_commune"`
	Longitude           text `json:"longitude"`
	Latitude            text `json:"latitude"`
	Accessibilite       text `json:"accessibilite"`
	NoteAccessibilite   text `json:"note_accessibilite"`
}

func (v *v4Address) UnmarshalJSON(b []byte) error {
	type plain v4Address
	decodeObject(b, (*plain)(v))
	return nil
}

// v4Phone is {valeur, description}, or a bare number.
type v4Phone struct {
	Valeur      text `json:"valeur"`
	Description text `json:"description"`
}

func (v *v4Phone) UnmarshalJSON(b []byte) error {
	type plain v4Phone
	if len(b) > 0 && b[0] != '{' {
		return v.Valeur.UnmarshalJSON(b)
	}
	decodeObject(b, (*plain)(v))
	return nil
}

// v4Link is {libelle, valeur}, or a bare URL.
type v4Link struct {
	Libelle text `json:"libelle"`
	Valeur  text `json:"valeur"`
}

func (v *v4Link) UnmarshalJSON(b []byte) error {
	type plain v4Link
	if len(b) > 0 && b[0] != '{' {
		return v.Valeur.UnmarshalJSON(b)
	}
	decodeObject(b, (*plain)(v))
	return nil
}

type v4Opening struct {
	NomJourDebut      text `json:"nom_jour_debut"`
	NomJourFin        text `json:"nom_jour_fin"`
	ValeurHeureDebut1 text `json:"valeur_heure_debut_1"`
	ValeurHeureFin1   text `json:"valeur_heure_fin_1"`
	ValeurHeureDebut2 text `json:"valeur_heure_debut_2"`
	ValeurHeureFin2   text `json:"valeur_heure_fin_2"`
	Commentaire       text `json:"commentaire"`
}

func (v *v4Opening) UnmarshalJSON(b []byte) error {
	type plain v4Opening
	decodeObject(b, (*plain)(v))
	return nil
}

// v4Bulk streams {"service": […]}; other top-level members are skipped.
func (r *run) v4Bulk(ctx context.Context, rd io.Reader, ds dataset) error {
	return newJSONStream(rd).objectWithArray("service", func(raw json.RawMessage) error {
		return r.v4Record(ctx, raw, ds)
	})
}

// v4API streams an Opendatasoft export: [ … ] or {"results": [ … ], …}.
func (r *run) v4API(ctx context.Context, rd io.Reader, ds dataset) error {
	s := newJSONStream(rd)
	fn := func(raw json.RawMessage) error { return r.v4Record(ctx, raw, ds) }
	tok, err := s.token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('['):
		if err := s.array(fn); err != nil {
			return err
		}
		return s.end()
	case json.Delim('{'):
		if _, err := s.member("results", fn); err != nil {
			return err
		}
		return s.end()
	}
	return s.fail(errors.New(`expected an array of records or {"results": […]}`))
}

func (r *run) v4Record(ctx context.Context, raw json.RawMessage, ds dataset) error {
	type plain v4Service // skips the lenient wrapper: raw is an object or the record is skipped
	var s v4Service
	if err := json.Unmarshal(raw, (*plain)(&s)); err != nil {
		return r.reject(ctx, ds, "", "not a record: "+err.Error())
	}
	return r.emit(ctx, ds, fromV4(&s))
}

// fromV4 maps a v4 record to a contact point.
func fromV4(s *v4Service) record {
	uuid, old := s.ID.String(), s.AncienCodePivot.String()
	cp := &domain.ContactPoint{
		Name:        clean(string(s.Nom)),
		Description: truncate(htmlToText(string(s.Mission)), 2000),
		Source:      domain.Source{Kind: domain.SourceAnnuaire, ID: uuid, UpdatedAt: parseDate(string(s.DateModification))},
	}
	switch {
	case old != "":
		cp.ID = domain.StableID("annuaire:" + old)
	case uuid != "":
		cp.ID = domain.StableID("annuaire:" + uuid)
	}
	if cp.Source.ID == "" {
		cp.Source.ID = old
	}

	var served []string
	for _, p := range s.Pivot {
		t := p.TypeServiceLocal.String()
		if cp.Pivot == "" {
			cp.Pivot = t
		}
		if t != cp.Pivot {
			continue
		}
		for _, c := range p.CodeInseeCommune {
			served = append(served, c.String())
		}
	}
	if cp.Pivot == "" {
		cp.Pivot = pivotFromID(old)
	}

	addr := &domain.Address{CommuneCode: s.CodeInseeCommune.String()}
	accessNote := ""
	if a := physicalV4Address(s.Adresse); a != nil {
		addr.Lines = appendLines(nil, string(a.Complement1), string(a.Complement2), string(a.NumeroVoie), string(a.ServiceDistribution))
		addr.PostalCode = a.CodePostal.String()
		addr.City = clean(string(a.NomCommune))
		setLocation(addr, string(a.Latitude), string(a.Longitude))
		addr.Accessibility = accessibility(string(a.Accessibilite))
		accessNote = string(a.NoteAccessibilite)
	}
	cp.Address = addr

	var ch channels
	for _, p := range s.Telephone {
		label, cost := phoneNote(string(p.Description))
		ch.phone(string(p.Valeur), label, cost)
	}
	for _, p := range s.TelephoneAccessible {
		label, cost := phoneNote(string(p.Description))
		if label == "" {
			label = "Ligne accessible"
		}
		ch.phone(string(p.Valeur), label, cost)
	}
	for _, e := range s.AdresseCourriel {
		ch.emailOrForm(string(e))
	}
	for _, l := range s.FormulaireContact {
		ch.web(domain.ChannelContactForm, string(l.Valeur), string(l.Libelle))
	}
	for _, l := range s.Sve {
		ch.web(domain.ChannelOnlineProcedure, string(l.Valeur), string(l.Libelle))
	}
	for _, l := range s.Tchat {
		ch.web(domain.ChannelChat, string(l.Valeur), string(l.Libelle))
	}
	for _, l := range s.SiteInternet {
		ch.web(domain.ChannelWebsite, string(l.Valeur), string(l.Libelle))
	}
	ch.address(addr, accessNote)
	cp.Channels = ch.list

	var hb hoursBuilder
	for _, o := range s.PlageOuverture {
		ds := days(dayNumber(string(o.NomJourDebut)), dayNumber(string(o.NomJourFin)))
		hb.add(ds, string(o.ValeurHeureDebut1), string(o.ValeurHeureFin1))
		hb.add(ds, string(o.ValeurHeureDebut2), string(o.ValeurHeureFin2))
		hb.note(ds, string(o.Commentaire))
	}
	hb.note(nil, string(s.CommentairePlageOuverture))
	cp.Hours = hb.hours()
	return record{cp: cp, served: served}
}

// physicalV4Address picks the address to go to: the first one that is not
// only a postal address.
func physicalV4Address(as []v4Address) *v4Address {
	for i := range as {
		if !strings.Contains(strings.ToLower(string(as[i].TypeAdresse)), "postal") {
			return &as[i]
		}
	}
	return nil
}
