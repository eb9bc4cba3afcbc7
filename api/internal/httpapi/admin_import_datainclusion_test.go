package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

// diFile is the importer's data·inclusion fixture, with edit applied to its
// parsed document {"structures": […], "services": […]}.
func diFile(t *testing.T, edit func(doc map[string][]map[string]any)) string {
	t.Helper()
	b, err := os.ReadFile("../importer/testdata/datainclusion/dora_var.json")
	if err != nil {
		t.Fatal(err)
	}
	if edit == nil {
		return string(b)
	}
	var doc map[string][]map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc)
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// withoutInvalid drops the fixture's invalid service.
func withoutInvalid(doc map[string][]map[string]any) {
	doc["services"] = slices.DeleteFunc(doc["services"], func(s map[string]any) bool { return s["id"] == "dora--service-incomplet" })
}

func warningFields(r httpapi.ImportRow) []string {
	var out []string
	for _, w := range r.Warnings {
		out = append(out, w.Field)
	}
	return out
}

// A data·inclusion file: checked (format detected), refused while a record
// is invalid, applied once fixed, unchanged when applied again, in any of
// the shapes the format allows; one edited service is one update.
func TestContactPointImportDataInclusion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newAdminEnv(t, s)
		withNationalThemes(t, s)
		tok := e.login(t, "a-editor").AccessToken
		beforeCPs, beforeAudit := e.countContactPoints(t, e.orgA), e.countAudit(t, e.orgA)

		// Dry run, format detected: the épicerie (a structure no service
		// names), two services, one invalid service.
		rec, rep := e.importFile(t, tok, "", diFile(t, nil), "application/json")
		if rec.Code != http.StatusOK || rep.Format != "data-inclusion" || !rep.DryRun || rep.Created != 3 || rep.Rejected != 1 || len(rep.Rows) != 4 {
			t.Fatalf("dry run: %d %s", rec.Code, rec.Body.String()[:min(600, rec.Body.Len())])
		}
		rows := map[string]httpapi.ImportRow{}
		for _, r := range rep.Rows {
			rows[r.Reference] = r
		}
		if r := rows["dora--epicerie-solidaire-seyne"]; r.Row != 2 || r.Action != "create" || !slices.Equal(warningFields(r), []string{"zone_eligibilite"}) {
			t.Errorf("structure row = %+v", r)
		}
		if r := rows["dora--aide-alimentaire-urgence"]; r.Row != 3 || r.Action != "create" || len(r.Warnings) != 0 || r.Name != "Aide alimentaire d’urgence" {
			t.Errorf("service row = %+v", r)
		}
		if r := rows["dora--accompagnement-numerique"]; r.Action != "create" || !slices.Equal(warningFields(r), []string{"horaires_accueil", "thematiques"}) ||
			!strings.Contains(r.Warnings[1].Detail, "numerique--thematique-qui-nexiste-pas") {
			t.Errorf("warned row = %+v", r)
		}
		bad := rows["dora--service-incomplet"]
		var fields []string
		for _, f := range bad.Errors {
			fields = append(fields, f.Field)
		}
		slices.Sort(fields)
		if bad.Row != 5 || bad.Action != "reject" || !slices.Equal(fields, []string{"latitude", "nom", "structure_id", "telephone"}) {
			t.Errorf("invalid row = %+v", bad)
		}

		// Applying it is refused, atomically.
		rec, rep = e.importFile(t, tok, "?format=data-inclusion&dry_run=false", diFile(t, nil), "application/json")
		if rec.Code != http.StatusUnprocessableEntity || rep.Rejected != 1 || rep.Applied {
			t.Fatalf("apply with an invalid record: %d %s", rec.Code, rec.Body)
		}
		if e.countContactPoints(t, e.orgA) != beforeCPs || e.countAudit(t, e.orgA) != beforeAudit {
			t.Fatal("a refused import wrote something")
		}

		// Fixed, it applies.
		fixed := diFile(t, withoutInvalid)
		rec, rep = e.importFile(t, tok, "?format=data-inclusion&dry_run=false", fixed, "application/json")
		if rec.Code != http.StatusOK || !rep.Applied || rep.Created != 3 {
			t.Fatalf("apply: %d %s", rec.Code, rec.Body)
		}
		if got := e.countContactPoints(t, e.orgA); got != beforeCPs+3 {
			t.Fatalf("%d contact points", got)
		}
		var alimID string
		for _, r := range rep.Rows {
			if r.Reference == "dora--aide-alimentaire-urgence" {
				alimID = r.ID
			}
		}
		cp, err := s.FindContactPointInOrganisation(context.Background(), e.orgA.ID, alimID)
		if err != nil {
			t.Fatal(err)
		}
		if cp.Source.Kind != domain.SourceDataInclusion || cp.Source.ID != "dora--aide-alimentaire-urgence" || cp.Channels[0].Value != "+33 4 94 36 50 00" ||
			len(cp.Hours.Weekly) != 11 || cp.Hours.Note != "Fermé les jours fériés." || !slices.Equal(cp.Coverage.Communes, []string{"83137", "83062"}) ||
			!slices.Equal(cp.Themes, []string{"alimentation", "aide-financiere", "rsa-prime-activite"}) || cp.Address == nil || cp.Address.CommuneCode != "83137" {
			t.Errorf("imported service = %+v", cp)
		}
		if r := e.do(t, http.MethodGet, "/api/v1/public/contact-points/"+alimID, "", ""); r.Code != http.StatusOK {
			t.Errorf("public read: %d", r.Code)
		}

		// Applied again, in each shape: nothing moves.
		var doc map[string][]json.RawMessage
		mustJSON(t, []byte(fixed), &doc)
		var lines bytes.Buffer
		for _, r := range append(doc["structures"], doc["services"]...) {
			lines.Write(r)
			lines.WriteString("\n")
		}
		list, _ := json.Marshal(append(doc["services"], doc["structures"]...))
		gen, audit := s.Generation(), e.countAudit(t, e.orgA)
		for name, body := range map[string]string{"same file": fixed, "JSON Lines": lines.String(), "one list": string(list)} {
			rec, rep = e.importFile(t, tok, "?dry_run=false", body, "application/x-ndjson")
			if rec.Code != http.StatusOK || rep.Format != "data-inclusion" || rep.Unchanged != 3 || rep.Created+rep.Updated+rep.Rejected != 0 {
				t.Fatalf("%s again: %d %s", name, rec.Code, rec.Body)
			}
		}
		if s.Generation() != gen || e.countAudit(t, e.orgA) != audit {
			t.Error("applying the same records again wrote something")
		}

		// The structure's phone changes: the services that inherit it are
		// updated, the one with its own number is not.
		edited := diFile(t, func(doc map[string][]map[string]any) {
			withoutInvalid(doc)
			doc["structures"][0]["telephone"] = "04 94 36 50 99"
		})
		rec, rep = e.importFile(t, tok, "?dry_run=false", edited, "application/json")
		if rec.Code != http.StatusOK || rep.Updated != 1 || rep.Unchanged != 2 {
			t.Fatalf("edited: %d %s", rec.Code, rec.Body)
		}
		for _, r := range rep.Rows {
			if r.Action == "update" && (r.Reference != "dora--aide-alimentaire-urgence" || !slices.Equal(r.Changes, []string{"channels"})) {
				t.Errorf("updated row = %+v", r)
			}
		}
	})
}

// Schema v0 in JSON Lines, an EPCI zone; a data·inclusion file sent as an
// annuaire extract is refused rather than misread.
func TestContactPointImportDataInclusionV0(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := newAdminEnv(t, s)
		withNationalThemes(t, s)
		tok := e.login(t, "a-editor").AccessToken
		b, err := os.ReadFile("../importer/testdata/datainclusion/emplois_v0.jsonl")
		if err != nil {
			t.Fatal(err)
		}
		rec, rep := e.importFile(t, tok, "?dry_run=false", string(b), "application/octet-stream")
		if rec.Code != http.StatusOK || rep.Format != "data-inclusion" || rep.Created != 2 || !rep.Applied {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		cp, err := s.FindContactPointInOrganisation(context.Background(), e.orgA.ID, rep.Rows[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(cp.Coverage.EPCIs, []string{"248300543"}) || cp.Channels[1].Label != "Prendre rendez-vous" {
			t.Errorf("v0 service = %+v", cp)
		}

		for _, body := range []string{string(b), diFile(t, nil)} {
			rec = e.do(t, http.MethodPost, importURL+"?format=annuaire", tok, body, "Content-Type", "application/json")
			var p httpapi.Problem
			mustJSON(t, rec.Body.Bytes(), &p)
			if rec.Code != http.StatusBadRequest || len(p.Errors) != 1 || p.Errors[0].Field != "format" || !strings.Contains(p.Errors[0].Detail, "data·inclusion") {
				t.Errorf("as annuaire: %d %s", rec.Code, rec.Body)
			}
		}
		rec = e.do(t, http.MethodPost, importURL+"?format=data-inclusion", tok, `[{"source": "dora", "id": "x"`, "Content-Type", "application/json")
		var p httpapi.Problem
		mustJSON(t, rec.Body.Bytes(), &p)
		if rec.Code != http.StatusBadRequest || len(p.Errors) != 1 || p.Errors[0].Field != "fichier" {
			t.Errorf("broken JSON: %d %s", rec.Code, rec.Body)
		}
	})
}
