package importer

import (
	"context"
	"encoding/json"
	"io"
	"strings"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// The 2017 format: GeoJSON files of betagouv/annuaire, converted from the
// DILA XML, whose fields may hold an object or an array of objects, a
// string or an object {"$t": …} (see data/annuaire/FORMAT.md).

type v1Feature struct {
	Geometry struct {
		Coordinates list[text] `json:"coordinates"`
	} `json:"geometry"`
	Properties v1Props `json:"properties"`
}

func (v *v1Feature) UnmarshalJSON(b []byte) error {
	type plain v1Feature
	decodeObject(b, (*plain)(v))
	return nil
}

type v1Props struct {
	ID            text            `json:"id"`
	CodeInsee     text            `json:"codeInsee"`
	DateMiseAJour text            `json:"dateMiseAJour"`
	PivotLocal    text            `json:"pivotLocal"`
	Nom           text            `json:"Nom"`
	Commentaire   text            `json:"Commentaire"`
	Adresse       list[v1Address] `json:"Adresse"`
	Coord         v1Coord         `json:"CoordonnéesNum"`
	Ouverture     v1Opening       `json:"Ouverture"`
}

func (v *v1Props) UnmarshalJSON(b []byte) error {
	type plain v1Props
	decodeObject(b, (*plain)(v))
	return nil
}

type v1Address struct {
	Type          text       `json:"type"`
	Ligne         list[text] `json:"Ligne"`
	CodePostal    text       `json:"CodePostal"`
	NomCommune    text       `json:"NomCommune"`
	Localisation  v1Location `json:"Localisation"`
	Accessibilite v1Access   `json:"Accessibilité"`
}

func (v *v1Address) UnmarshalJSON(b []byte) error {
	type plain v1Address
	decodeObject(b, (*plain)(v))
	return nil
}

type v1Location struct {
	Latitude  text `json:"Latitude"`
	Longitude text `json:"Longitude"`
}

func (v *v1Location) UnmarshalJSON(b []byte) error {
	type plain v1Location
	decodeObject(b, (*plain)(v))
	return nil
}

// v1Access is {type: ACC|DEM|NAC, $t: note}, or the bare code.
type v1Access struct {
	Type text `json:"type"`
	Note text `json:"$t"`
}

func (v *v1Access) UnmarshalJSON(b []byte) error {
	type plain v1Access
	if len(b) > 0 && b[0] != '{' {
		return v.Type.UnmarshalJSON(b)
	}
	decodeObject(b, (*plain)(v))
	return nil
}

type v1Coord struct {
	Telephone list[v1Phone] `json:"Téléphone"`
	Email     list[text]    `json:"Email"`
	URL       list[text]    `json:"Url"`
	Sve       list[text]    `json:"Sve"`
}

func (v *v1Coord) UnmarshalJSON(b []byte) error {
	type plain v1Coord
	decodeObject(b, (*plain)(v))
	return nil
}

// v1Phone is a number, or {coût, $t: number}.
type v1Phone struct {
	Number text `json:"$t"`
	Cost   text `json:"coût"`
}

func (v *v1Phone) UnmarshalJSON(b []byte) error {
	type plain v1Phone
	if len(b) > 0 && b[0] != '{' {
		return v.Number.UnmarshalJSON(b)
	}
	decodeObject(b, (*plain)(v))
	return nil
}

type v1Opening struct {
	PlageJ list[v1Days] `json:"PlageJ"`
}

func (v *v1Opening) UnmarshalJSON(b []byte) error {
	type plain v1Opening
	decodeObject(b, (*plain)(v))
	return nil
}

type v1Days struct {
	Debut  text         `json:"début"`
	Fin    text         `json:"fin"`
	PlageH list[v1Time] `json:"PlageH"`
	Note   text         `json:"Note"`
}

func (v *v1Days) UnmarshalJSON(b []byte) error {
	type plain v1Days
	decodeObject(b, (*plain)(v))
	return nil
}

type v1Time struct {
	Debut text `json:"début"`
	Fin   text `json:"fin"`
}

func (v *v1Time) UnmarshalJSON(b []byte) error {
	type plain v1Time
	decodeObject(b, (*plain)(v))
	return nil
}

// v1GeoJSON streams a FeatureCollection.
func (r *run) v1GeoJSON(ctx context.Context, rd io.Reader, ds dataset) error {
	return newJSONStream(rd).objectWithArray("features", func(raw json.RawMessage) error {
		type plain v1Feature // skips the lenient wrapper: raw is an object or the feature is skipped
		var f v1Feature
		if err := json.Unmarshal(raw, (*plain)(&f)); err != nil {
			return r.reject(ctx, ds, "", "not a feature: "+err.Error())
		}
		return r.emit(ctx, ds, fromV1(&f))
	})
}

// fromV1 maps a 2017 feature to a contact point.
func fromV1(f *v1Feature) record {
	p := &f.Properties
	id := p.ID.String()
	cp := &domain.ContactPoint{
		Name:   clean(string(p.Nom)),
		Pivot:  p.PivotLocal.String(),
		Source: domain.Source{Kind: domain.SourceAnnuaire, ID: id, UpdatedAt: parseDate(string(p.DateMiseAJour))},
	}
	if id != "" {
		cp.ID = domain.StableID("annuaire:" + id)
	}
	if cp.Pivot == "" {
		cp.Pivot = pivotFromID(id)
	}

	addr := &domain.Address{CommuneCode: p.CodeInsee.String()}
	accessNote := ""
	if a := physicalV1Address(p.Adresse); a != nil {
		for _, l := range a.Ligne {
			addr.Lines = appendLines(addr.Lines, string(l))
		}
		addr.PostalCode = a.CodePostal.String()
		addr.City = clean(string(a.NomCommune))
		setLocation(addr, string(a.Localisation.Latitude), string(a.Localisation.Longitude))
		addr.Accessibility = accessibility(string(a.Accessibilite.Type))
		accessNote = string(a.Accessibilite.Note)
	}
	if addr.Latitude == nil && len(f.Geometry.Coordinates) == 2 {
		setLocation(addr, string(f.Geometry.Coordinates[1]), string(f.Geometry.Coordinates[0]))
	}
	cp.Address = addr

	var ch channels
	for _, t := range p.Coord.Telephone {
		ch.phone(string(t.Number), "", string(t.Cost))
	}
	for _, e := range p.Coord.Email {
		ch.emailOrForm(string(e))
	}
	for _, s := range p.Coord.Sve {
		ch.web(domain.ChannelOnlineProcedure, string(s), "")
	}
	for _, u := range p.Coord.URL {
		ch.web(domain.ChannelWebsite, string(u), "")
	}
	ch.address(addr, accessNote)
	cp.Channels = ch.list

	var hb hoursBuilder
	hb.note(nil, string(p.Commentaire))
	for _, j := range p.Ouverture.PlageJ {
		ds := days(dayNumber(string(j.Debut)), dayNumber(string(j.Fin)))
		for _, h := range j.PlageH {
			hb.add(ds, string(h.Debut), string(h.Fin))
		}
		hb.note(ds, string(j.Note))
	}
	cp.Hours = hb.hours()
	return record{cp: cp}
}

// physicalV1Address picks the address to go to: "physique" or "géopostale"
// (physical and postal), else any address that is not only postal.
func physicalV1Address(as []v1Address) *v1Address {
	for i := range as {
		if t := as[i].Type.String(); t == "physique" || t == "géopostale" {
			return &as[i]
		}
	}
	for i := range as {
		if as[i].Type.String() != "postale" {
			return &as[i]
		}
	}
	return nil
}

// v1CSVColumns are the columns of the flattened 2017 national CSV.
var v1CSVColumns = []string{"id", "pivot", "code_insee", "nom", "adresse", "code_postal", "commune",
	"latitude", "longitude", "telephone", "email", "url", "horaires", "date_mise_a_jour"}

// v1CSV reads the flattened 2017 national CSV.
func (r *run) v1CSV(ctx context.Context, rd io.Reader, ds dataset) error {
	return readCSV(rd, ',', v1CSVColumns, func(row csvRow) error {
		return r.emit(ctx, ds, fromV1CSV(row))
	}, r.rowSkipper(ctx, ds))
}

func fromV1CSV(row csvRow) record {
	id := row.get("id")
	cp := &domain.ContactPoint{
		Name:   clean(row.get("nom")),
		Pivot:  row.get("pivot"),
		Source: domain.Source{Kind: domain.SourceAnnuaire, ID: id, UpdatedAt: parseDate(row.get("date_mise_a_jour"))},
	}
	if id != "" {
		cp.ID = domain.StableID("annuaire:" + id)
	}
	if cp.Pivot == "" {
		cp.Pivot = pivotFromID(id)
	}
	addr := &domain.Address{
		CommuneCode: row.get("code_insee"),
		PostalCode:  row.get("code_postal"),
		City:        clean(row.get("commune")),
	}
	for l := range strings.SplitSeq(strings.ReplaceAll(row.get("adresse"), "\n", " / "), " / ") {
		addr.Lines = appendLines(addr.Lines, l)
	}
	setLocation(addr, row.get("latitude"), row.get("longitude"))
	cp.Address = addr

	var ch channels
	ch.phone(row.get("telephone"), "", "")
	ch.emailOrForm(row.get("email"))
	ch.web(domain.ChannelWebsite, row.get("url"), "")
	ch.address(addr, "")
	cp.Channels = ch.list

	// horaires: "lundi-jeudi 09:00-18:00 ; vendredi 09:00-17:00"
	var hb hoursBuilder
	for group := range strings.SplitSeq(row.get("horaires"), ";") {
		fields := strings.Fields(group)
		if len(fields) < 2 {
			continue
		}
		from, to, _ := strings.Cut(fields[0], "-")
		ds := days(dayNumber(from), dayNumber(to))
		for _, rng := range fields[1:] {
			if o, c, ok := strings.Cut(rng, "-"); ok {
				hb.add(ds, o, c)
			}
		}
	}
	cp.Hours = hb.hours()
	return record{cp: cp}
}
