package httpapi

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/readability"
)

// Limits of a readability request.
const (
	readabilityMaxTexts = 500
	readabilityMaxRunes = 2000
	readabilityMaxKey   = 200
	readabilityMaxBody  = 1 << 20
)

// ReadabilityRequest asks how easy some texts are to read.
type ReadabilityRequest struct {
	// Lang is the language of the texts: plain French or FALC.
	Lang string `json:"lang" enums:"fr,fr-x-falc" example:"fr-x-falc"`
	// Texts are measured one by one (500 at most).
	Texts []ReadabilityText `json:"texts" maxItems:"500"`
} // @name ReadabilityRequest

// ReadabilityText is one text to measure.
type ReadabilityText struct {
	// Key is the caller's name for the text, given back in its result (e.g. a field path).
	Key string `json:"key" maxLength:"200" example:"steps[2].text"`
	// Text is at most 2,000 characters.
	Text string `json:"text" maxLength:"2000" example:"Vous avez un enfant de moins de 3 ans ?"`
} // @name ReadabilityText

// ReadabilityResponse holds one result per text, in the order of the request.
type ReadabilityResponse struct {
	Results []ReadabilityResult `json:"results"`
} // @name ReadabilityResponse

// ReadabilityResult measures one text.
type ReadabilityResult struct {
	Key       string `json:"key" example:"steps[2].text"`
	Sentences int    `json:"sentences" example:"1"`
	Words     int    `json:"words" example:"9"`
	// MeanWordsPerSentence is rounded to one decimal.
	MeanWordsPerSentence float64 `json:"mean_words_per_sentence" example:"9"`
	MaxWordsPerSentence  int     `json:"max_words_per_sentence" example:"9"`
	// LongSentences counts the sentences of more than 25 words (French) or 15 (FALC).
	LongSentences int `json:"long_sentences" example:"0"`
	// RareWords are the words not among the 10,000 most frequent French words
	// (numbers, proper names and administrative names excepted), once each, 30 at most.
	RareWords []string `json:"rare_words" example:"allocataire"`
	// RareWordShare is the share of rare words (0–1).
	RareWordShare float64 `json:"rare_word_share" example:"0.111"`
	Level         string  `json:"level" enums:"ok,attention,difficile" example:"attention"`
	// Advice says what to change, in French; empty when the level is ok.
	Advice []string `json:"advice" example:"Mots peu courants : allocataire. Remplacez-les par des mots de tous les jours, ou expliquez-les juste après."`
} // @name ReadabilityResult

// readabilityHandler measures texts for the référents.
type readabilityHandler struct {
	analyser *readability.Analyser
}

// newReadabilityHandler measures with the embedded word lists.
func newReadabilityHandler() readabilityHandler {
	return readabilityHandler{analyser: readability.Default()}
}

// analyse godoc
//
//	@Summary		How easy texts are to read (French or FALC)
//	@Description	For each text: sentences, words, long sentences (more than 25 words in French, 15 in FALC), words that are not among the most frequent French words, a level and advice in French. FALC is difficult when more than 10 % of its words are rare. Any signed-in référent may call it; nothing is stored. Body up to 1 MiB.
//	@Tags			admin
//	@Security		BearerAuth
//	@Accept			json
//	@Produce		json
//	@Param			body	body		ReadabilityRequest	true	"The texts and their language"
//	@Success		200		{object}	ReadabilityResponse
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Failure		413		{object}	Problem
//	@Failure		415		{object}	Problem
//	@Router			/api/v1/admin/readability [post]
func (h readabilityHandler) analyse(c echo.Context) error {
	mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if mt != echo.MIMEApplicationJSON {
		return echo.NewHTTPError(http.StatusUnsupportedMediaType)
	}
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, readabilityMaxBody+1))
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "Lecture de la requête impossible.").SetInternal(err)
	}
	if len(body) > readabilityMaxBody {
		return domain.Errorf(domain.ETOOLARGE, "La requête dépasse 1 Mo : envoyez les textes en plusieurs fois.")
	}
	var req ReadabilityRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "Le corps de la requête n'est pas un JSON valide.").SetInternal(err)
	}
	if err := validateReadability(req); err != nil {
		return err
	}
	out := ReadabilityResponse{Results: make([]ReadabilityResult, len(req.Texts))}
	for i, t := range req.Texts {
		if err := c.Request().Context().Err(); err != nil {
			return fmt.Errorf("readability: %w", err)
		}
		r := h.analyser.Analyse(req.Lang, t.Text)
		out.Results[i] = ReadabilityResult{Key: t.Key, Sentences: r.Sentences, Words: r.Words,
			MeanWordsPerSentence: r.MeanWordsPerSentence, MaxWordsPerSentence: r.MaxWordsPerSentence,
			LongSentences: r.LongSentences, RareWords: r.RareWords, RareWordShare: r.RareWordShare,
			Level: r.Level, Advice: r.Advice}
	}
	return c.JSON(http.StatusOK, out)
}

func validateReadability(req ReadabilityRequest) error {
	var v domain.Validation
	if !readability.Supported(req.Lang) {
		v.Add("lang", "langue non prise en charge : « fr » (français) ou « fr-x-falc » (FALC)")
	}
	if len(req.Texts) > readabilityMaxTexts {
		v.Add("texts", "%d textes au plus par requête", readabilityMaxTexts)
		return v.Err("Requête invalide.")
	}
	for i, t := range req.Texts {
		if strings.TrimSpace(t.Key) == "" {
			v.Add(fmt.Sprintf("texts[%d].key", i), "obligatoire")
		} else if len(t.Key) > readabilityMaxKey {
			v.Add(fmt.Sprintf("texts[%d].key", i), "%d caractères au plus", readabilityMaxKey)
		}
		if n := utf8.RuneCountInString(t.Text); n > readabilityMaxRunes {
			v.Add(fmt.Sprintf("texts[%d].text", i), "%d caractères : 2 000 au plus", n)
		}
	}
	return v.Err("Requête invalide.")
}
