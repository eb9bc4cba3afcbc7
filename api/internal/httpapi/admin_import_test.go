package httpapi_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/aiguillage/aiguillage/api/internal/commons"
	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

const importURL = "/api/v1/admin/organisations/partenaire-a/contact-points/import"

// withNationalThemes loads the commons organisation and the national
// taxonomy of needs: the themes imported contact points may carry.
func withNationalThemes(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	org := commons.Organisation()
	if err := s.UpsertOrganisation(ctx, org); err != nil {
		t.Fatal(err)
	}
	themes, err := commons.Themes()
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range themes {
		th.OrganisationID = org.ID
	}
	if _, err := s.UpsertThemes(ctx, themes); err != nil {
		t.Fatal(err)
	}
}

const importHeader = "Référence;Nom;Type;Thèmes;Téléphones;Courriel;Site web;Adresse;Code postal;Ville;Code commune;Latitude;Longitude;Accessibilité;Horaires;Remarque horaires;Communes desservies\r\n"

// importRow is one valid row of the generated file.
func importRow(i int) []string {
	return []string{fmt.Sprintf("PT-%04d", i), fmt.Sprintf("Point d'accueil n° %d", i), "mds", "logement|aide-financiere",
		fmt.Sprintf("04 94 %02d %02d %02d", i/10000, i/100%100, i%100), fmt.Sprintf("accueil%d@exemple.fr", i), "www.exemple.fr/accueil",
		fmt.Sprintf("%d avenue de la République", i), "83000", "Toulon", "83137", "43,1242", "5,9280", "accessible",
		"lundi-vendredi 09:00-12:00 13:30-17:00 ; samedi 09:00-12:00", "", "83137|83062"}
}

// importFile is the n-row file, as Excel writes it; edit changes a row's cells.
func importFile(n int, edit func(i int, cells []string)) string {
	var b strings.Builder
	b.WriteString("\ufeff" + importHeader)
	w := csv.NewWriter(&b)
	w.Comma, w.UseCRLF = ';', true
	for i := range n {
		cells := importRow(i)
		if edit != nil {
			edit(i, cells)
		}
		_ = w.Write(cells)
	}
	w.Flush()
	return b.String()
}

// summary is a report without its rows, for failure messages.
func summary(rep httpapi.ImportReport) string {
	return fmt.Sprintf("created %d, updated %d, unchanged %d, rejected %d, applied %v; first rows %+v",
		rep.Created, rep.Updated, rep.Unchanged, rep.Rejected, rep.Applied, rep.Rows[:min(3, len(rep.Rows))])
}

func (e *adminEnv) importFile(t *testing.T, token, query, body, contentType string) (*httptest.ResponseRecorder, httpapi.ImportReport) {
	t.Helper()
	rec := e.do(t, http.MethodPost, importURL+query, token, body, "Content-Type", contentType)
	var rep httpapi.ImportReport
	switch rec.Code {
	case http.StatusOK:
		mustJSON(t, rec.Body.Bytes(), &rep)
	case http.StatusUnprocessableEntity:
		var p httpapi.ImportProblem
		mustJSON(t, rec.Body.Bytes(), &p)
		rep = p.Import
	}
	return rec, rep
}

func (e *adminEnv) countContactPoints(t *testing.T, org *domain.Organisation) int {
	t.Helper()
	_, n, err := e.store.FindContactPoints(context.Background(), domain.ContactPointFilter{OrganisationID: org.ID, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *adminEnv) countAudit(t *testing.T, org *domain.Organisation) int {
	t.Helper()
	_, n, err := e.store.FindAudit(context.Background(), org.ID, domain.Page{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func rejected(rep httpapi.ImportReport) map[int][]httpapi.ProblemField {
	out := map[int][]httpapi.ProblemField{}
	for _, r := range rep.Rows {
		if r.Action == "reject" {
			out[r.Row] = r.Errors
		}
	}
	return out
}

// The scenario: 1,000 rows, 3 of them wrong, refused with the 3
// rows and their reasons; applied once fixed; applied twice, nothing moves.
func TestContactPointImportThousandRows(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newAdminEnv(t, s)
		withNationalThemes(t, s)
		tok := e.login(t, "a-editor").AccessToken
		const n = 1000
		bad := map[int]func(cells []string){
			100: func(c []string) { c[4] = "12 34" },              // phone
			500: func(c []string) { c[16] = "83137|99999" },       // unknown commune
			876: func(c []string) { c[14] = "lundi 25:00-26:00" }, // hours
		}
		wrong := importFile(n, func(i int, c []string) {
			if f := bad[i]; f != nil {
				f(c)
			}
		})
		beforeCPs, beforeAudit, beforeGen := e.countContactPoints(t, e.orgA), e.countAudit(t, e.orgA), s.Generation()

		start := time.Now()
		rec, rep := e.importFile(t, tok, "?format=csv&dry_run=true", wrong, "text/csv")
		t.Logf("dry run of %d rows (%d bytes): %v", n, len(wrong), time.Since(start))
		if rec.Code != http.StatusOK || !rep.DryRun || rep.Applied || rep.Created != n-3 || rep.Rejected != 3 || len(rep.Rows) != n {
			t.Fatalf("dry run: %d %s", rec.Code, summary(rep))
		}
		want := map[int]string{102: "telephones", 502: "communes_desservies", 878: "horaires"}
		got := rejected(rep)
		if len(got) != 3 {
			t.Fatalf("rejected rows: %v", got)
		}
		for row, field := range want {
			errs := got[row]
			if len(errs) != 1 || errs[0].Field != field || errs[0].Detail == "" {
				t.Errorf("row %d errors = %+v, want one on %s", row, errs, field)
			}
		}
		if d := got[502][0].Detail; !strings.Contains(d, "aucune commune ne porte le code INSEE 99999") {
			t.Errorf("commune detail %q", d)
		}
		if d := got[102][0].Detail; !strings.Contains(d, "« 12 34 »") || !strings.Contains(d, "numéro invalide") {
			t.Errorf("phone detail %q", d)
		}
		for i, r := range rep.Rows {
			if r.Row != i+2 {
				t.Fatalf("rows not in order: row %d at %d", r.Row, i)
			}
		}
		// Applying it is refused, atomically.
		rec, rep = e.importFile(t, tok, "?format=csv&dry_run=false", wrong, "text/csv")
		if rec.Code != http.StatusUnprocessableEntity || rec.Header().Get("Content-Type") != "application/problem+json" || rep.Rejected != 3 || rep.Applied {
			t.Fatalf("apply with wrong rows: %d %s", rec.Code, rec.Body.String()[:min(300, rec.Body.Len())])
		}
		if e.countContactPoints(t, e.orgA) != beforeCPs || e.countAudit(t, e.orgA) != beforeAudit || s.Generation() != beforeGen {
			t.Fatal("a refused import wrote something")
		}

		// Fixed, it applies: every contact point and its audit entry.
		fixed := importFile(n, nil)
		rec, rep = e.importFile(t, tok, "?dry_run=true", fixed, "text/csv")
		if rec.Code != http.StatusOK || rep.Format != "csv" || rep.Created != n || rep.Rejected != 0 {
			t.Fatalf("dry run of the fixed file: %d %s", rec.Code, summary(rep))
		}
		start = time.Now()
		rec, rep = e.importFile(t, tok, "?dry_run=false", fixed, "text/csv")
		t.Logf("apply of %d rows: %v", n, time.Since(start))
		if rec.Code != http.StatusOK || !rep.Applied || rep.Created != n {
			t.Fatalf("apply: %d %s", rec.Code, summary(rep))
		}
		if got := e.countContactPoints(t, e.orgA); got != beforeCPs+n {
			t.Fatalf("%d contact points after the import", got)
		}
		if got := e.countAudit(t, e.orgA); got != beforeAudit+n {
			t.Fatalf("%d audit entries after the import, want %d", got, beforeAudit+n)
		}
		// What was written is what the API would have made.
		first := rep.Rows[0]
		getRec := e.do(t, http.MethodGet, "/api/v1/admin/organisations/partenaire-a/contact-points/"+first.ID, tok, "")
		var cp httpapi.AdminContactPoint
		mustJSON(t, getRec.Body.Bytes(), &cp)
		if cp.Name != "Point d'accueil n° 0" || cp.Source.Kind != "csv" || len(cp.Channels) != 4 || cp.Channels[2].Value != "https://www.exemple.fr/accueil" ||
			cp.Channels[3].Kind != "address" || cp.Address == nil || *cp.Address.Latitude != 43.1242 || cp.Address.Accessibility != "ACC" ||
			len(cp.Hours.Weekly) != 11 || !slices.Equal(cp.Coverage.Communes, []string{"83137", "83062"}) || !slices.Equal(cp.Themes, []string{"logement", "aide-financiere"}) {
			t.Errorf("imported contact point = %+v", cp)
		}
		// Public readers see it at once (caches dropped by the write).
		if r := e.do(t, http.MethodGet, "/api/v1/public/contact-points/"+first.ID, "", ""); r.Code != http.StatusOK {
			t.Errorf("public read of an imported contact point: %d", r.Code)
		}

		// The same file again: everything unchanged, nothing written.
		gen, audit := s.Generation(), e.countAudit(t, e.orgA)
		rec, rep = e.importFile(t, tok, "?dry_run=false", fixed, "text/csv")
		if rec.Code != http.StatusOK || rep.Unchanged != n || rep.Created+rep.Updated+rep.Rejected != 0 {
			t.Fatalf("second apply: %d %s", rec.Code, summary(rep))
		}
		if s.Generation() != gen || e.countAudit(t, e.orgA) != audit {
			t.Error("applying the same file twice wrote something")
		}

		// One row edited: one update, naming what changes.
		edited := importFile(n, func(i int, c []string) {
			if i == 7 {
				c[4] = "04 94 99 99 99"
				c[14] = "lundi 09:00-12:00"
			}
		})
		rec, rep = e.importFile(t, tok, "?dry_run=false", edited, "text/csv")
		if rec.Code != http.StatusOK || rep.Updated != 1 || rep.Unchanged != n-1 {
			t.Fatalf("edited file: %d %s", rec.Code, summary(rep))
		}
		if r := rep.Rows[7]; r.Action != "update" || !slices.Equal(r.Changes, []string{"channels", "opening_hours"}) {
			t.Errorf("edited row = %+v", r)
		}
	})
}

// Each row is checked exactly as the API checks a contact point it creates.
func TestContactPointImportRowChecks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newAdminEnv(t, s)
		withNationalThemes(t, s)
		tok := e.login(t, "a-editor").AccessToken
		header := "Référence;Nom;Type;Thèmes;Téléphones;Site web;Horaires;Code commune;Communes desservies\n"
		tests := []struct {
			name, row string
			field     string
			detail    string
		}{
			{"missing name", "R1;;mds;;3230;;;;", "nom", "est obligatoire"},
			{"bad phone", "R1;Nom;;;04 94 00;;;;", "telephones", "numéro invalide"},
			{"no channel", "R1;Nom;;;;;;;", "telephones", "au moins un moyen de contact"},
			{"bad URL", "R1;Nom;;;3230;pas une adresse;;;", "site_web", "adresse web"},
			{"bad hours", "R1;Nom;;;3230;;lundi 9h-8h;;", "horaires", "l'heure de fermeture doit suivre"},
			{"overlapping hours", "R1;Nom;;;3230;;lundi 09:00-12:00 11:00-13:00;;", "horaires", "lundi 11:00-13:00 : chevauche"},
			{"unknown theme", "R1;Nom;;logement|zorglub;3230;;;;", "themes", "thème inconnu : « zorglub »"},
			{"unknown kind of office", "R1;Nom;zorglub;;3230;;;;", "type", "type d'établissement inconnu"},
			{"unknown commune", "R1;Nom;;;3230;;;99999;", "code_commune", "aucune commune ne porte le code INSEE 99999"},
			{"malformed commune", "R1;Nom;;;3230;;;;8313A", "communes_desservies", "code INSEE invalide"},
			{"missing reference", ";Nom;;;3230;;;;", "reference", "est obligatoire"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				rec, rep := e.importFile(t, tok, "", header+tt.row+"\n", "text/csv")
				if rec.Code != http.StatusOK || rep.Rejected != 1 {
					t.Fatalf("%d %s", rec.Code, rec.Body)
				}
				for _, f := range rep.Rows[0].Errors {
					if f.Field == tt.field && strings.Contains(f.Detail, tt.detail) {
						return
					}
				}
				t.Errorf("errors = %+v, want %s: %q", rep.Rows[0].Errors, tt.field, tt.detail)
			})
		}
		t.Run("repeated reference", func(t *testing.T) {
			rec, rep := e.importFile(t, tok, "", header+"R1;Un;;;3230;;;;\nr1;Deux;;;3230;;;;\n", "text/csv")
			if rec.Code != http.StatusOK || rep.Created != 1 || rep.Rejected != 1 || rep.Rows[1].Action != "reject" ||
				!strings.Contains(rep.Rows[1].Errors[0].Detail, "déjà utilisée à la ligne 2") {
				t.Fatalf("%d %+v", rec.Code, rep)
			}
		})
		t.Run("the API refuses the same unknown theme", func(t *testing.T) {
			rec := e.do(t, http.MethodPost, "/api/v1/admin/organisations/partenaire-a/contact-points", tok,
				`{"name":"N","themes":["zorglub"],"channels":[{"kind":"phone","value":"3230"}]}`)
			if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "thème inconnu") {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
		})
	})
}

// Encodings, separators and line breaks as spreadsheets write them.
func TestContactPointImportEncodings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newAdminEnv(t, s)
		tok := e.login(t, "a-editor").AccessToken
		latin1, err := charmap.Windows1252.NewEncoder().String("Référence;Nom;Téléphones;Adresse\r\nÉ-1;Maison départementale de l'Œuvre;04.94.12.34.56;\"12 rue de l'Église\r\nBâtiment B\"\r\n")
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			name, body, encoding, separator string
		}{
			{"Windows-1252 with accents", latin1, "Windows-1252", ";"},
			{"UTF-8 with BOM, commas", "\ufeffreference,nom,telephones,adresse\n\"É-1\",\"Maison départementale de l'Œuvre\",+33 4 94 12 34 56,\"12 rue de l'Église\nBâtiment B\"\n", "UTF-8", ","},
			{"UTF-8 without BOM, tabs", "Référence\tNom\tTéléphones\tAdresse\nÉ-1\tMaison départementale de l'Œuvre\t0494123456\t12 rue de l'Église|Bâtiment B\n", "UTF-8", "\t"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				rec, rep := e.importFile(t, tok, "?dry_run=false", tt.body, "application/vnd.ms-excel")
				if rec.Code != http.StatusOK || rep.Encoding != tt.encoding || rep.Separator != tt.separator || len(rep.Rows) != 1 ||
					rep.Rows[0].Name != "Maison départementale de l'Œuvre" || rep.Rows[0].Reference != "É-1" || rep.Rows[0].Row != 2 {
					t.Fatalf("%d %s", rec.Code, rec.Body)
				}
				// One contact point whatever the encoding: the second and third files change nothing.
				cp, err := s.FindContactPointInOrganisation(context.Background(), e.orgA.ID, rep.Rows[0].ID)
				if err != nil {
					t.Fatal(err)
				}
				if cp.Channels[0].Value != "04 94 12 34 56" && cp.Channels[0].Value != "+33 4 94 12 34 56" ||
					!slices.Equal(cp.Address.Lines, []string{"12 rue de l'Église", "Bâtiment B"}) {
					t.Errorf("contact point = %+v %+v", cp.Channels, cp.Address)
				}
			})
		}
		t.Run("XLSX workbook, format detected", func(t *testing.T) {
			wb := excelize.NewFile()
			sheet := wb.GetSheetName(0)
			for i, r := range [][]any{{"Référence", "Nom", "Téléphones", "Latitude", "Longitude"}, {"X-1", "Classeur", 494123456, 43.1242, 5.928}} {
				if err := wb.SetSheetRow(sheet, fmt.Sprintf("A%d", i+1), &r); err != nil {
					t.Fatal(err)
				}
			}
			var b bytes.Buffer
			if err := wb.Write(&b); err != nil {
				t.Fatal(err)
			}
			rec, rep := e.importFile(t, tok, "", b.String(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
			if rec.Code != http.StatusOK || rep.Format != "xlsx" || rep.Created != 1 || rep.Rows[0].Row != 2 {
				t.Fatalf("%d %s", rec.Code, rec.Body)
			}
		})
	})
}

// Files that cannot be imported at all.
func TestContactPointImportRefusedFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newAdminEnv(t, s)
		tok := e.login(t, "a-editor").AccessToken
		big := strings.Repeat("x", 10<<20+1)
		for _, tt := range []struct {
			name, query, body, contentType string
			status                         int
			field, detail                  string
		}{
			{name: "empty file", body: " ", contentType: "text/csv", status: 400, detail: "vide"},
			{name: "header only", body: "Référence;Nom\n", contentType: "text/csv", status: 400, detail: "aucune ligne"},
			{name: "missing required column", query: "?format=csv", body: "Nom;Téléphones\nMairie;3230\n", contentType: "text/csv", status: 400, field: "reference"},
			{name: "unrecognised file", body: "bonjour\n", contentType: "text/plain", status: 400, field: "format"},
			{name: "bad format", query: "?format=pdf", body: "a", contentType: "text/csv", status: 400, field: "format"},
			{name: "bad dry_run", query: "?dry_run=peut-etre", body: "a", contentType: "text/csv", status: 400, field: "dry_run"},
			{name: "a form", body: "a", contentType: "multipart/form-data; boundary=x", status: 415},
			{name: "too large", body: big, contentType: "text/csv", status: 413},
			{name: "not an annuaire extract", query: "?format=annuaire", body: "Référence;Nom\nA;B\n", contentType: "text/csv", status: 400, field: "format"},
			{name: "broken annuaire JSON", query: "?format=annuaire", body: `[{"nom": "x"`, contentType: "application/json", status: 400, field: "fichier"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				rec := e.do(t, http.MethodPost, importURL+tt.query, tok, tt.body, "Content-Type", tt.contentType)
				if rec.Code != tt.status || rec.Header().Get("Content-Type") != "application/problem+json" {
					t.Fatalf("%d %s", rec.Code, rec.Body.String()[:min(400, rec.Body.Len())])
				}
				var p httpapi.Problem
				mustJSON(t, rec.Body.Bytes(), &p)
				if tt.field != "" && !slices.ContainsFunc(p.Errors, func(f httpapi.ProblemField) bool { return f.Field == tt.field }) {
					t.Errorf("problem %+v: want a field error on %s", p, tt.field)
				}
				if tt.detail != "" && !strings.Contains(p.Detail, tt.detail) {
					t.Errorf("detail %q, want %q", p.Detail, tt.detail)
				}
			})
		}
		if got := e.countContactPoints(t, e.orgA); got != 1 {
			t.Errorf("%d contact points", got)
		}
	})
}

// An annuaire extract becomes the organisation's own contact points, apart
// from the national commons' copies; records the importer leaves out are
// rejected with their reason.
func TestContactPointImportAnnuaire(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newAdminEnv(t, s)
		withNationalThemes(t, s)
		tok := e.login(t, "a-editor").AccessToken
		export, err := os.ReadFile("../importer/testdata/v4_api_export.json")
		if err != nil {
			t.Fatal(err)
		}
		// Two more records: a value that is not a record, and one without a name.
		body := string(bytes.TrimSuffix(bytes.TrimSpace(export), []byte("]"))) +
			`, 42, {"id": "11111111-2222-3333-4444-555555555555", "nom": "", "code_insee_commune": "77188", "pivot": "[{\"type_service_local\": \"mairie\"}]", "telephone": "[{\"valeur\": \"01 64 38 30 52\"}]"}]`
		rec, rep := e.importFile(t, tok, "?dry_run=false", body, "application/json")
		if rec.Code != http.StatusUnprocessableEntity || rep.Format != "annuaire" || rep.AnnuaireFormat != "annuaire-v4-api" || rep.Created != 2 || rep.Rejected != 2 {
			t.Fatalf("%d %+v", rec.Code, rep)
		}
		if r := rep.Rows[2]; r.Row != 3 || r.Action != "reject" || r.Errors[0].Field != "enregistrement" {
			t.Errorf("not a record: %+v", r)
		}
		if r := rep.Rows[3]; r.Row != 4 || r.Action != "reject" || r.Errors[0].Field != "name" || r.Errors[0].Detail != "est obligatoire" {
			t.Errorf("no name: %+v", r)
		}
		rec, rep = e.importFile(t, tok, "?dry_run=false", string(export), "application/json")
		if rec.Code != http.StatusOK || rep.Created != 2 || !rep.Applied {
			t.Fatalf("%d %+v", rec.Code, rep)
		}
		national := domain.StableID("annuaire:mairie-77188-01")
		for _, r := range rep.Rows {
			if r.ID == national || r.ID == "" {
				t.Errorf("id %q: the organisation's copy must not be the commons' one", r.ID)
			}
			cp, err := s.FindContactPointInOrganisation(context.Background(), e.orgA.ID, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if cp.Source.Kind != domain.SourceAnnuaire || cp.Pivot != "mairie" || cp.Coverage.Rule == "" {
				t.Errorf("imported office = %+v", cp)
			}
		}
		if rep.Rows[0].Reference != "00007e4d-264c-43a0-b0b7-7f3b7dd995ab" {
			t.Errorf("reference %q", rep.Rows[0].Reference)
		}
		rec, rep = e.importFile(t, tok, "?dry_run=false&format=annuaire", string(export), "application/octet-stream")
		if rec.Code != http.StatusOK || rep.Unchanged != 2 {
			t.Fatalf("twice: %d %+v", rec.Code, rep)
		}
	})
}

// The template: documented columns, UTF-8 with BOM, ";", one example row
// that imports as is.
func TestContactPointImportTemplate(t *testing.T) {
	s := storetest.New(t, store.SQLite)
	e := newAdminEnv(t, s)
	withNationalThemes(t, s)
	tok := e.login(t, "a-editor").AccessToken
	rec := e.do(t, http.MethodGet, importURL+"/template.csv", tok, "")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.Contains(rec.Header().Get("Content-Disposition"), "modele-points-de-contact.csv") {
		t.Fatalf("%d %v", rec.Code, rec.Header())
	}
	body := rec.Body.String()
	if !strings.HasPrefix(body, "\ufeffRéférence;Nom;Type;Description;Thèmes;Téléphones;Courriel;Site web;Démarche en ligne;Adresse;Code postal;Ville;Code commune;Latitude;Longitude;Accessibilité;Horaires;Remarque horaires;Départements desservis;Communes desservies\r\n") ||
		strings.Count(body, "\r\n") != 2 {
		t.Fatalf("template = %q", body)
	}
	rec, rep := e.importFile(t, tok, "", body, "text/csv")
	if rec.Code != http.StatusOK || rep.Created != 1 || rep.Rejected != 0 {
		t.Fatalf("the template's example does not import: %d %s", rec.Code, rec.Body)
	}
}

// A column absent from the file leaves its field as it is; an empty cell
// clears it; what the app adds that the file cannot hold stays.
func TestContactPointImportKeepsWhatTheFileDoesNotHold(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newAdminEnv(t, s)
		tok := e.login(t, "a-editor").AccessToken
		rec, rep := e.importFile(t, tok, "?dry_run=false", "Référence;Nom;Téléphones;Courriel;Horaires\nK-1;Guichet;04 94 00 00 01;guichet@exemple.fr;lundi 09:00-12:00\n", "text/csv")
		if rec.Code != http.StatusOK || rep.Created != 1 {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		id := rep.Rows[0].ID
		// In the app: a label on the phone, an SMS line, an exceptional closure.
		cpURL := "/api/v1/admin/organisations/partenaire-a/contact-points/" + id
		patch := e.do(t, http.MethodPatch, cpURL, tok, `{"channels":[{"kind":"phone","value":"04 94 00 00 01","label":"Accueil"},{"kind":"email","value":"guichet@exemple.fr"},{"kind":"sms","value":"0600000000"}],
			"opening_hours":{"weekly":[{"day":1,"opens":"09:00","closes":"12:00"}],"exceptions":[{"date":"2026-12-25","closed":true}]}}`, "If-Match", `"1"`)
		if patch.Code != http.StatusOK {
			t.Fatalf("patch: %d %s", patch.Code, patch.Body)
		}
		for _, tt := range []struct {
			name, file, action string
			changes            []string
		}{
			{"same file", "Référence;Nom;Téléphones;Courriel;Horaires\nK-1;Guichet;04.94.00.00.01;guichet@exemple.fr;lundi 9h-12h\n", "unchanged", nil},
			{"columns absent", "Référence;Nom\nk-1;Guichet\n", "unchanged", nil},
			{"empty cell clears", "Référence;Nom;Courriel\nK-1;Guichet;\n", "update", []string{"channels"}},
		} {
			rec, rep := e.importFile(t, tok, "?dry_run=false", tt.file, "text/csv")
			if rec.Code != http.StatusOK || rep.Rows[0].Action != tt.action || !slices.Equal(rep.Rows[0].Changes, tt.changes) || rep.Rows[0].ID != id {
				t.Fatalf("%s: %d %+v", tt.name, rec.Code, rep.Rows)
			}
		}
		cp, err := s.FindContactPointInOrganisation(context.Background(), e.orgA.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(cp.Channels) != 2 || cp.Channels[0].Label != "Accueil" || cp.Channels[1].Kind != domain.ChannelSMS || len(cp.Hours.Exceptions) != 1 {
			t.Errorf("contact point = %+v %+v", cp.Channels, cp.Hours)
		}
	})
}
