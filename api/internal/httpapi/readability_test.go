package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/httpapi"
	"github.com/aiguillage/aiguillage/api/internal/store"
	"github.com/aiguillage/aiguillage/api/internal/store/storetest"
)

func TestReadability(t *testing.T) {
	e := newAdminEnv(t, storetest.New(t, store.SQLite))
	viewer := e.login(t, "a-viewer").AccessToken
	const url = "/api/v1/admin/readability"
	texts := func(n int, text string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprintf(`{"key":"k%d","text":%q}`, i, text)
		}
		return strings.Join(parts, ",")
	}
	long30 := "Pour " + strings.Repeat("vous et ", 14) + "moi."
	tests := []struct {
		name        string
		token       string
		body        string
		contentType string
		wantStatus  int
		wantFields  []string // fields named by a 400 problem
	}{
		{name: "no token", body: `{"lang":"fr","texts":[]}`, wantStatus: http.StatusUnauthorized},
		{name: "garbage token", token: "not.a.jwt", body: `{"lang":"fr","texts":[]}`, wantStatus: http.StatusUnauthorized},
		{name: "malformed JSON", token: viewer, body: `{"lang":"fr","texts":[`, wantStatus: http.StatusBadRequest},
		{name: "not JSON", token: viewer, body: "lang=fr", contentType: "application/x-www-form-urlencoded", wantStatus: http.StatusUnsupportedMediaType},
		{name: "English is not measured", token: viewer, body: `{"lang":"en","texts":[{"key":"a","text":"Hello."}]}`,
			wantStatus: http.StatusBadRequest, wantFields: []string{"lang"}},
		{name: "missing language", token: viewer, body: `{"texts":[{"key":"a","text":"Bonjour."}]}`,
			wantStatus: http.StatusBadRequest, wantFields: []string{"lang"}},
		{name: "too many texts", token: viewer, body: `{"lang":"fr","texts":[` + texts(501, "Bonjour.") + `]}`,
			wantStatus: http.StatusBadRequest, wantFields: []string{"texts"}},
		{name: "text too long and key missing", token: viewer,
			body:       fmt.Sprintf(`{"lang":"fr-x-falc","texts":[{"key":"ok","text":"Bonjour."},{"key":"","text":%q}]}`, strings.Repeat("é", 2001)),
			wantStatus: http.StatusBadRequest, wantFields: []string{"texts[1].key", "texts[1].text"}},
		{name: "body over 1 MiB", token: viewer, body: `{"lang":"fr","texts":[{"key":"a","text":"` + strings.Repeat("a", 1<<20) + `"}]}`,
			wantStatus: http.StatusRequestEntityTooLarge},
		{name: "500 texts of 2,000 characters are fine", token: viewer, body: `{"lang":"fr","texts":[` + texts(500, strings.Repeat("é", 1000)) + `]}`,
			wantStatus: http.StatusOK},
		{name: "no text", token: viewer, body: `{"lang":"fr","texts":[]}`, wantStatus: http.StatusOK},
		{name: "a viewer measures French and FALC", token: viewer,
			body:       `{"lang":"fr-x-falc","texts":[{"key":"steps[0].text","text":` + fmt.Sprintf("%q", long30) + `},{"key":"title","text":"Appelez la CAF."}]}`,
			wantStatus: http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			headers := []string{}
			if tt.contentType != "" {
				headers = append(headers, "Content-Type", tt.contentType)
			}
			rec := e.do(t, http.MethodPost, url, tt.token, tt.body, headers...)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d: %s", rec.Code, tt.wantStatus, rec.Body)
			}
			if rec.Code != http.StatusOK {
				if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("content type = %q, want a problem", ct)
				}
				var p httpapi.Problem
				mustJSON(t, rec.Body.Bytes(), &p)
				got := map[string]bool{}
				for _, f := range p.Errors {
					got[f.Field] = true
				}
				for _, f := range tt.wantFields {
					if !got[f] {
						t.Errorf("field %s not named in %+v", f, p.Errors)
					}
				}
				return
			}
			var req httpapi.ReadabilityRequest
			mustJSON(t, []byte(tt.body), &req)
			var out httpapi.ReadabilityResponse
			mustJSON(t, rec.Body.Bytes(), &out)
			if len(out.Results) != len(req.Texts) {
				t.Fatalf("%d results for %d texts", len(out.Results), len(req.Texts))
			}
			for i, r := range out.Results {
				if r.Key != req.Texts[i].Key {
					t.Errorf("result %d has key %q, want %q", i, r.Key, req.Texts[i].Key)
				}
			}
		})
	}

	t.Run("results", func(t *testing.T) {
		body := `{"lang":"fr-x-falc","texts":[{"key":"steps[0].text","text":` + fmt.Sprintf("%q", long30) +
			`},{"key":"help","text":"Demandez une attestation. Elle prouve vos droits."},{"key":"title","text":"Appelez la CAF."}]}`
		rec := e.do(t, http.MethodPost, url, viewer, body)
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		// The wire names are the contract's.
		var raw struct {
			Results []map[string]json.RawMessage `json:"results"`
		}
		mustJSON(t, rec.Body.Bytes(), &raw)
		for _, k := range []string{"key", "sentences", "words", "mean_words_per_sentence", "max_words_per_sentence",
			"long_sentences", "rare_words", "rare_word_share", "level", "advice"} {
			if _, ok := raw.Results[2][k]; !ok {
				t.Errorf("result without %q: %s", k, rec.Body)
			}
		}
		var out httpapi.ReadabilityResponse
		mustJSON(t, rec.Body.Bytes(), &out)
		long, rare, easy := out.Results[0], out.Results[1], out.Results[2]
		if long.Words != 30 || long.LongSentences != 1 || long.Level != "difficile" ||
			len(long.Advice) == 0 || !strings.HasPrefix(long.Advice[0], "Coupez cette phrase : 30 mots.") {
			t.Errorf("long FALC sentence: %+v", long)
		}
		if rare.Level != "difficile" || len(rare.RareWords) != 1 || rare.RareWords[0] != "attestation" || rare.RareWordShare != 0.143 {
			t.Errorf("rare word: %+v", rare)
		}
		if easy.Level != "ok" || easy.Sentences != 1 || easy.Words != 3 || len(easy.RareWords) != 0 || len(easy.Advice) != 0 {
			t.Errorf("easy text: %+v", easy)
		}
	})
}
