package importer

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

func TestParseWeeklyHours(t *testing.T) {
	s := func(day int, o, c string) domain.OpeningSlot {
		return domain.OpeningSlot{Day: day, Opens: o, Closes: c}
	}
	tests := []struct {
		in      string
		want    []domain.OpeningSlot
		wantErr string
	}{
		{in: "lundi-vendredi 09:00-12:00 13:30-17:00 ; samedi 09:00-12:00", want: []domain.OpeningSlot{
			s(1, "09:00", "12:00"), s(1, "13:30", "17:00"), s(2, "09:00", "12:00"), s(2, "13:30", "17:00"), s(3, "09:00", "12:00"), s(3, "13:30", "17:00"),
			s(4, "09:00", "12:00"), s(4, "13:30", "17:00"), s(5, "09:00", "12:00"), s(5, "13:30", "17:00"), s(6, "09:00", "12:00")}},
		{in: "du lundi au mardi de 9h à 12h et de 14h à 17h30 ; Ven. 9h-12h ; dimanche fermé", want: []domain.OpeningSlot{
			s(1, "09:00", "12:00"), s(1, "14:00", "17:30"), s(2, "09:00", "12:00"), s(2, "14:00", "17:30"), s(5, "09:00", "12:00")}},
		{in: "Mardi, jeudi : 08:30 - 12:00", want: []domain.OpeningSlot{s(2, "08:30", "12:00"), s(4, "08:30", "12:00")}},
		{in: "samedi-lundi 10:00-24:00", want: []domain.OpeningSlot{s(1, "10:00", "24:00"), s(6, "10:00", "24:00"), s(7, "10:00", "24:00")}},
		{in: "lundi 9:00-12:00\nmercredi 9:00-12:00", want: []domain.OpeningSlot{s(1, "09:00", "12:00"), s(3, "09:00", "12:00")}},
		{in: " ; ", want: nil},
		{in: "lndi 09:00-12:00", wantErr: "jour inconnu « lndi »"},
		{in: "09:00-12:00", wantErr: "indiquez les jours"},
		{in: "lundi 9-12", wantErr: "créneau illisible « 9-12 »"},
		{in: "lundi 12:00-09:00", wantErr: "l'heure de fermeture doit suivre"},
		{in: "lundi", wantErr: "aucun horaire"},
		{in: "lundi 25:00-26:00", wantErr: "créneau illisible"},
	}
	for _, tt := range tests {
		got, err := ParseWeeklyHours(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseWeeklyHours(%q) error = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseWeeklyHours(%q) = %v, %v\nwant %v", tt.in, got, err, tt.want)
		}
	}
}

func TestPartnerPhone(t *testing.T) {
	for in, want := range map[string]string{
		"04 94 12 34 56":     "04 94 12 34 56",
		"04.94.12.34.56":     "04 94 12 34 56",
		"0494123456":         "04 94 12 34 56",
		"494123456":          "04 94 12 34 56", // the 0 a spreadsheet dropped
		"+33 4 94 12 34 56":  "+33 4 94 12 34 56",
		"+33494123456":       "+33 4 94 12 34 56",
		"0033 4 94 12 34 56": "+33 4 94 12 34 56",
		"3230":               "3230",
		"+590 590 27 64 10":  "+590 590 27 64 10",
		"12 34":              "12 34",
	} {
		if got := PartnerPhone(in); got != want {
			t.Errorf("PartnerPhone(%q) = %q, want %q", in, got, want)
		}
		if want != "12 34" && !domain.ValidPhone(PartnerPhone(in)) {
			t.Errorf("PartnerPhone(%q) = %q is not a valid phone", in, PartnerPhone(in))
		}
	}
}

func fieldsOf(err error) map[string]string {
	var de *domain.Error
	out := map[string]string{}
	if errors.As(err, &de) {
		for _, f := range de.Fields {
			out[f.Field] = f.Message
		}
	}
	return out
}

func TestReadPartnerCSV(t *testing.T) {
	win1252 := func(s string) []byte {
		b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	t.Run("template round trip", func(t *testing.T) {
		var b bytes.Buffer
		if err := WritePartnerTemplate(&b); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b.Bytes(), []byte("\ufeffRéférence;Nom;Type;")) || !bytes.Contains(b.Bytes(), []byte("\r\n")) {
			t.Fatalf("template = %q", b.String()[:80])
		}
		f, err := ReadPartnerCSV(b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Columns) != len(PartnerColumns) || len(f.Ignored) != 0 || f.Separator != ";" || f.Encoding != "UTF-8" || len(f.Rows) != 1 {
			t.Fatalf("file = %+v", f)
		}
		r := f.Rows[0]
		if r.Row != 2 || r.Reference != "MDS-TOULON-01" || len(r.Errors) != 0 || r.CommuneCode != "83137" || *r.Latitude != 43.1242 ||
			r.Accessibility != "ACC" || len(r.Weekly) != 11 || len(r.AddressLines) != 2 || !reflect.DeepEqual(r.Communes, []string{"83137", "83062"}) ||
			!reflect.DeepEqual(r.Themes, []string{"logement", "aide-financiere"}) || len(r.Channels) != 3 {
			t.Fatalf("example row = %+v", r)
		}
	})
	t.Run("Windows-1252, commas, aliases, quoted multi-line values", func(t *testing.T) {
		data := win1252("reference,Nom,Téléphone,E-mail,Adresse,Code INSEE,Horaires,Notes internes\r\n" +
			"A1,Mairie annexe du Pont-du-Las,\"04.94.36.30.00 / 494363001\",mailto:accueil@exemple.fr,\"12 rue de l'Église\r\nBâtiment B\",83137,lundi-vendredi 08:30-12:00,à revoir\r\n" +
			"\r\n" +
			"A2,Espace Lumière,04 94 00 00 00,,,2a004,,\r\n")
		f, err := ReadPartnerCSV(data)
		if err != nil {
			t.Fatal(err)
		}
		if f.Encoding != "Windows-1252" || f.Separator != "," || !reflect.DeepEqual(f.Ignored, []string{"Notes internes"}) || len(f.Rows) != 2 {
			t.Fatalf("file = %+v", f)
		}
		a1, a2 := f.Rows[0], f.Rows[1]
		if a1.Name != "Mairie annexe du Pont-du-Las" || !reflect.DeepEqual(a1.AddressLines, []string{"12 rue de l'Église", "Bâtiment B"}) {
			t.Errorf("A1 = %+v", a1)
		}
		if len(a1.Channels) != 3 || a1.Channels[0].Channel.Value != "04 94 36 30 00" || a1.Channels[1].Channel.Value != "04 94 36 30 01" ||
			a1.Channels[2].Channel != (domain.Channel{Kind: domain.ChannelEmail, Value: "accueil@exemple.fr"}) {
			t.Errorf("A1 channels = %+v", a1.Channels)
		}
		// Spreadsheet rows: the address spans two lines of the file but
		// stays row 2; the blank line is row 3.
		if a1.Row != 2 || a2.Row != 4 || a2.CommuneCode != "2A004" {
			t.Errorf("rows %d, %d; A2 = %+v", a1.Row, a2.Row, a2)
		}
	})
	t.Run("cells that cannot be read", func(t *testing.T) {
		f, err := ReadPartnerCSV([]byte("Référence;Nom;Code postal;Code commune;Latitude;Longitude;Accessibilité;Horaires\n" +
			";Sans référence;830;831;43,1;x;parfois;lundi 9h\n" +
			"B;Trop de cellules;83000;;;;;;en trop\n"))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, e := range f.Rows[0].Errors {
			got[e.Field] = e.Message
		}
		for _, col := range []string{ColReference, ColPostalCode, ColCommune, ColLongitude, ColAccessibility, ColHours} {
			if got[col] == "" {
				t.Errorf("no error on %s: %v", col, got)
			}
		}
		if len(f.Rows[1].Errors) != 1 || f.Rows[1].Errors[0].Field != ColRow {
			t.Errorf("row with too many cells: %+v", f.Rows[1].Errors)
		}
	})
	for _, tt := range []struct {
		name, data string
		wantField  string
		wantDetail string
	}{
		{name: "empty", data: " \r\n", wantDetail: "vide"},
		{name: "header only", data: "Référence;Nom\r\n", wantDetail: "aucune ligne"},
		{name: "missing required column", data: "Nom;Téléphones\nMairie;0494000000\n", wantField: ColReference},
		{name: "repeated column", data: "Référence;Nom;Nom\nA;B;C\n", wantField: ColName},
		{name: "workbook", data: "PK\x03\x04rest", wantDetail: "classeur"},
		{name: "binary", data: "Référence;Nom\n\x00\x01", wantDetail: "pas un fichier texte"},
		{name: "broken quote", data: "Référence;Nom\nA;\"B\nC;D\n", wantField: ColRow},
		{name: "bare quote", data: "Référence;Nom\nA;Maison \"Les Lilas\"\n", wantField: ColRow},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadPartnerCSV([]byte(tt.data))
			if domain.ErrorCode(err) != domain.EINVALID {
				t.Fatalf("err = %v", err)
			}
			if tt.wantField != "" && fieldsOf(err)[tt.wantField] == "" {
				t.Errorf("err = %v, fields %v: want one on %s", err, fieldsOf(err), tt.wantField)
			}
			if tt.wantDetail != "" && !strings.Contains(domain.ErrorMessage(err), tt.wantDetail) {
				t.Errorf("err = %v, want %q", err, tt.wantDetail)
			}
		})
	}
}

func TestReadPartnerXLSX(t *testing.T) {
	wb := excelize.NewFile()
	sheet := wb.GetSheetName(0)
	rows := [][]any{
		{"Référence", "Nom", "Téléphones", "Latitude", "Longitude", "Code commune"},
		{"X1", "Point A", 494123456, 43.1242, 5.928, 83137},
		{},
		{"X2", "Point B", "04 94 00 00 01", "", "", "1004"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := wb.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := wb.Write(&b); err != nil {
		t.Fatal(err)
	}
	f, err := ReadPartnerXLSX(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Rows) != 2 || f.Encoding != "XLSX" {
		t.Fatalf("file = %+v", f)
	}
	x1, x2 := f.Rows[0], f.Rows[1]
	if x1.Row != 2 || x1.Channels[0].Channel.Value != "04 94 12 34 56" || *x1.Latitude != 43.1242 || x1.CommuneCode != "83137" || len(x1.Errors) != 0 {
		t.Errorf("X1 = %+v", x1)
	}
	if x2.Row != 4 || x2.CommuneCode != "01004" {
		t.Errorf("X2 = %+v", x2)
	}
	if _, err := ReadPartnerXLSX([]byte("PK\x03\x04 not a zip")); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("broken workbook: %v", err)
	}
}

// FuzzImportCSV: whatever the bytes, reading a partner CSV returns a file
// or a French validation error, never panics, and rows are numbered in
// increasing order from 2.
func FuzzImportCSV(f *testing.F) {
	var tpl bytes.Buffer
	if err := WritePartnerTemplate(&tpl); err != nil {
		f.Fatal(err)
	}
	f.Add(tpl.Bytes())
	f.Add([]byte("reference,nom,horaires\nA,\"B\nC\",lundi-vendredi 9h-12h ; sam 10:00-12:00\n"))
	f.Add([]byte("Référence;Nom;Téléphones\r\nA;B;494123456|+33 4 94 00 00 00\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		pf, err := ReadPartnerCSV(data)
		if err != nil {
			if domain.ErrorCode(err) != domain.EINVALID {
				t.Fatalf("not a validation error: %v", err)
			}
			return
		}
		prev := 1
		for _, r := range pf.Rows {
			if r.Row <= prev {
				t.Fatalf("row %d after %d", r.Row, prev)
			}
			prev = r.Row
			for _, s := range r.Weekly {
				if s.Day < 1 || s.Day > 7 || s.Opens >= s.Closes {
					t.Fatalf("slot %+v", s)
				}
			}
		}
	})
}
