package httpapi

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/impact"
)

//go:embed static/stats.html
var statsHTML string

//go:embed static/stats.css
var statsCSS string

// statsCSP allows the page's own inline style sheet (by its hash) and
// nothing else: no script, no external asset.
var statsCSP = func() string {
	sum := sha256.Sum256([]byte(statsCSS))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
}()

// statsPageCSP sets the page's Content-Security-Policy, on cached answers
// too.
func statsPageCSP(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Content-Security-Policy", statsCSP)
		return next(c)
	}
}

func newStatsTemplate() (*template.Template, error) {
	return template.New("stats").Funcs(template.FuncMap{
		"int":     frInt,
		"pct":     frPct,
		"ratio":   frRatio,
		"channel": channelLabel,
		"kind":    stepKindLabel,
		"date":    frDate,
	}).Parse(statsHTML)
}

// frInt writes a number the French way: 12 345.
func frInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// frPct writes a rate as a French percentage, "–" when undefined.
func frPct(r *float64) string {
	if r == nil {
		return "–"
	}
	return strings.Replace(strconv.FormatFloat(math.Round(*r*1000)/10, 'f', 1, 64), ".", ",", 1) + "\u00a0%"
}

// frRatio writes part/whole as a French percentage.
func frRatio(part, whole int64) string { return frPct(ratio(part, whole)) }

func frDate(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.Format("02/01/2006")
}

func channelLabel(c string) string {
	switch c {
	case "phone":
		return "Téléphone"
	case "email":
		return "Courriel"
	case "address":
		return "Adresse (plan)"
	case "online":
		return "En ligne"
	case "sms":
		return "SMS"
	case "website":
		return "Site web"
	}
	return c
}

func stepKindLabel(k string) string {
	switch k {
	case "question":
		return "Question"
	case "location":
		return "Commune"
	case "outcome":
		return "Réponse"
	}
	return "Étape retirée"
}

// statsPage is what the page template shows.
type statsPage struct {
	Title   string
	Partner *StatsPartner
	Entry   string
	Error   string
	Stats   *Stats
	// Period, links to other periods and to the JSON.
	From, To   string
	Periods    []pageLink
	JSONURL    string
	Figures    []figure
	Charts     []chart
	NotFound   bool
	StatsPath  string
	KAnonymity int
}

type pageLink struct {
	Label, URL string
	Current    bool
}

type figure struct {
	Label, Value, Note string
}

// chart is a line chart drawn in SVG by the server, with its data table.
type chart struct {
	ID, Title, Desc string
	Unit            string
	Width, Height   int
	// Plot is the drawing area; Right and Bottom its far edges, LabelX
	// where the vertical axis labels end.
	Plot                  struct{ X, Y, W, H int }
	Right, Bottom, LabelX int
	YTicks                []tick
	XTicks                []tick
	Series                []series
	// Table repeats the data: one row per bucket, one column per series.
	Columns []string
	Rows    []tableRow
}

type tick struct {
	Pos   float64
	Label string
}

type series struct {
	Name, Color, Dash string
	// Lines are polylines ("x,y x,y…"); a gap in the data splits them.
	Lines  []string
	Points []point
}

type point struct{ X, Y float64 }

type tableRow struct {
	Label  string
	Values []string
}

// bucket is a day, a week or a month of the period.
type bucket struct {
	label, short string
	totals       impact.Totals
}

// buckets groups the days: by day up to 62 days, by week (from Monday) up
// to a year, by month beyond.
func buckets(days []impact.DayTotals) []bucket {
	var out []bucket
	key := func(d time.Time) (string, string, string) {
		switch {
		case len(days) <= 62:
			return d.Format(time.DateOnly), d.Format("02/01/2006"), d.Format("02/01")
		case len(days) <= 366:
			monday := d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
			return monday.Format(time.DateOnly), "semaine du " + monday.Format("02/01/2006"), monday.Format("02/01")
		default:
			return d.Format("2006-01"), frMonth(d), d.Format("01/2006")
		}
	}
	last := ""
	for _, day := range days {
		d, err := time.Parse(time.DateOnly, day.Day)
		if err != nil {
			continue
		}
		k, label, short := key(d)
		if k != last {
			out = append(out, bucket{label: label, short: short})
			last = k
		}
		b := &out[len(out)-1]
		addTotals(&b.totals, day.Totals)
	}
	return out
}

func addTotals(dst *impact.Totals, t impact.Totals) {
	dst.Loads += t.Loads
	dst.Searches += t.Searches
	dst.SearchesUnanswered += t.SearchesUnanswered
	dst.JourneysStarted += t.JourneysStarted
	dst.JourneysCompleted += t.JourneysCompleted
	dst.EmergencyOpenings += t.EmergencyOpenings
	dst.ContactClicks += t.ContactClicks
	dst.Feedback += t.Feedback
	dst.FeedbackUseful += t.FeedbackUseful
	dst.SessionsEngaged += t.SessionsEngaged
	dst.SessionsAnswered += t.SessionsAnswered
	dst.CallsDiverted += t.CallsDiverted
}

var months = []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

func frMonth(d time.Time) string { return months[d.Month()-1] + " " + strconv.Itoa(d.Year()) }

// Colours: contrast on white of at least 4.5:1 (RGAA), and the series
// differ by their dashes too.
const (
	colourBlue   = "#1f4e79"
	colourOrange = "#a84300"
)

// lineChart draws series of values (nil: no value) over the buckets.
func lineChart(id, title, desc, unit string, bs []bucket, names []string, values [][]*float64, format func(float64) string) chart {
	c := chart{ID: id, Title: title, Desc: desc, Unit: unit, Width: 640, Height: 260, Columns: names}
	c.Plot.X, c.Plot.Y, c.Plot.W, c.Plot.H = 64, 16, 560, 200
	c.Right, c.Bottom, c.LabelX = c.Plot.X+c.Plot.W, c.Plot.Y+c.Plot.H, c.Plot.X-8
	top := 0.0
	for _, vs := range values {
		for _, v := range vs {
			if v != nil && *v > top {
				top = *v
			}
		}
	}
	top = niceCeiling(top, unit)
	for i := 0; i <= 4; i++ {
		label := fmtCount(top * float64(i) / 4)
		if unit == "%" {
			label += "\u00a0%"
		}
		c.YTicks = append(c.YTicks, tick{Pos: float64(c.Plot.Y+c.Plot.H) - float64(c.Plot.H)*float64(i)/4, Label: label})
	}
	n := len(bs)
	x := func(i int) float64 {
		if n == 1 {
			return float64(c.Plot.X) + float64(c.Plot.W)/2
		}
		return float64(c.Plot.X) + float64(c.Plot.W)*float64(i)/float64(n-1)
	}
	y := func(v float64) float64 { return float64(c.Plot.Y+c.Plot.H) - float64(c.Plot.H)*v/top }
	for _, i := range []int{0, n / 2, n - 1} {
		if i >= 0 && i < n && (len(c.XTicks) == 0 || c.XTicks[len(c.XTicks)-1].Label != bs[i].short) {
			c.XTicks = append(c.XTicks, tick{Pos: x(i), Label: bs[i].short})
		}
	}
	colours := []struct{ colour, dash string }{{colourBlue, ""}, {colourOrange, "6 4"}}
	for si, vs := range values {
		s := series{Name: names[si], Color: colours[si%2].colour, Dash: colours[si%2].dash}
		var line []string
		for i, v := range vs {
			if v == nil {
				if len(line) > 0 {
					s.Lines = append(s.Lines, strings.Join(line, " "))
					line = nil
				}
				continue
			}
			p := point{X: math.Round(x(i)*10) / 10, Y: math.Round(y(*v)*10) / 10}
			line = append(line, fmt.Sprintf("%g,%g", p.X, p.Y))
			if n <= 62 {
				s.Points = append(s.Points, p)
			}
		}
		if len(line) > 0 {
			s.Lines = append(s.Lines, strings.Join(line, " "))
		}
		c.Series = append(c.Series, s)
	}
	for i, b := range bs {
		row := tableRow{Label: b.label}
		for _, vs := range values {
			if vs[i] == nil {
				row.Values = append(row.Values, "–")
			} else {
				row.Values = append(row.Values, format(*vs[i]))
			}
		}
		c.Rows = append(c.Rows, row)
	}
	return c
}

// niceCeiling returns the top of an axis of four intervals: four times a
// round step (100 for percentages).
func niceCeiling(v float64, unit string) float64 {
	if unit == "%" {
		return 100
	}
	raw := v / 4
	if raw <= 1 {
		return 4
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10} {
		if step := m * p; step >= raw && step == math.Trunc(step) {
			return 4 * step
		}
	}
	return 40 * p
}

func count(n int64) *float64 { f := float64(n); return &f }

func percent(part, whole int64) *float64 {
	r, ok := impact.Rate(part, whole)
	if !ok {
		return nil
	}
	r *= 100
	return &r
}

func fmtCount(v float64) string { return frInt(int64(math.Round(v))) }

func fmtPercent(v float64) string {
	return strings.Replace(strconv.FormatFloat(math.Round(v*10)/10, 'f', 1, 64), ".", ",", 1) + "\u00a0%"
}

func pageCharts(st *Stats, days []impact.DayTotals) []chart {
	bs := buckets(days)
	var loads, searches, started, completed, satisfaction []*float64
	for _, b := range bs {
		loads = append(loads, count(b.totals.Loads))
		searches = append(searches, count(b.totals.Searches))
		started = append(started, count(b.totals.JourneysStarted))
		completed = append(completed, count(b.totals.JourneysCompleted))
		satisfaction = append(satisfaction, percent(b.totals.FeedbackUseful, b.totals.Feedback))
	}
	return []chart{
		lineChart("usage", "Utilisation", fmt.Sprintf("Affichages du module et recherches, du %s au %s.", frDate(st.From), frDate(st.To)),
			"", bs, []string{"Affichages", "Recherches"}, [][]*float64{loads, searches}, fmtCount),
		lineChart("parcours", "Parcours commencés et terminés", "Parcours commencés (une réponse donnée) et terminés (une réponse atteinte).",
			"", bs, []string{"Commencés", "Terminés"}, [][]*float64{started, completed}, fmtCount),
		lineChart("satisfaction", "Satisfaction", "Part des avis « cette réponse m'a aidé », en pourcentage ; sans avis, pas de point.",
			"%", bs, []string{"Avis utiles"}, [][]*float64{satisfaction}, fmtPercent),
	}
}

func pageFigures(t StatsTotals) []figure {
	return []figure{
		{"Affichages du module", frInt(t.Loads), ""},
		{"Recherches", frInt(t.Searches), frInt(t.SearchesUnanswered) + " sans réponse"},
		{"Parcours commencés", frInt(t.JourneysStarted), frInt(t.JourneysCompleted) + " terminés"},
		{"Taux de complétion", frPct(t.CompletionRate), "parcours terminés sur commencés"},
		{"Satisfaction", frPct(t.SatisfactionRate), frInt(t.FeedbackUseful) + " avis utiles sur " + frInt(t.Feedback)},
		{"Appels évités (estimation)", frInt(t.CallsDiverted), "habitants envoyés directement au bon service"},
		{"Contacts utilisés", frInt(t.ContactClicks), "appels, courriels, plans, démarches en ligne"},
		{"Panneau d'urgence", frInt(t.EmergencyOpenings), "ouvertures"},
		{"Sans réponse", frPct(t.UnansweredShare), "des visites engagées finissent sans réponse"},
	}
}

// statsPage renders the public statistics page, national (/stats) or of a
// partner (/stats/{slug}): the figures in HTML without any script, charts
// drawn here in SVG, each with its data table. Not in the API
// documentation: it is a page, not an endpoint.
func (h *impactHandlers) statsPage(c echo.Context) error {
	slug := c.Param("slug")
	path := "/stats"
	if slug != "" {
		path += "/" + url.PathEscape(slug)
	}
	page := statsPage{Title: "Statistiques d'Aiguillage", StatsPath: path, KAnonymity: domain.KAnonymity}
	q, err := h.statsQuery(c, slug, c.QueryParam("entry"))
	if err != nil {
		// A bad period shows the default one, and says so.
		page.Error = "Période invalide : " + domain.ErrorMessage(err) + " Voici les 30 derniers jours."
		p, _ := impact.ParsePeriod("", "", h.now(), impact.DefaultPeriodDays)
		q = impact.StatsQuery{Partner: slug, Period: p}
	}
	st, err := h.svc.Stats(c.Request().Context(), q)
	status := http.StatusOK
	switch {
	case domain.ErrorCode(err) == domain.ENOTFOUND:
		status, page.NotFound, page.Title = http.StatusNotFound, true, "Statistiques introuvables"
		page.Error = domain.ErrorMessage(err)
	case err != nil:
		return err
	default:
		dto := statsDTO(st)
		page.Stats, page.Partner, page.Entry, page.From, page.To = &dto, dto.Partner, dto.Entry, dto.From, dto.To
		if dto.Partner != nil {
			page.Title = "Statistiques — " + dto.Partner.Name
		}
		page.Figures = pageFigures(dto.Totals)
		page.Charts = pageCharts(&dto, st.Daily)
		page.JSONURL = "/api/v1/public/stats"
		if slug != "" {
			page.JSONURL += "/" + url.PathEscape(slug)
		}
		page.JSONURL += "?" + periodQuery(dto.From, dto.To, dto.Entry)
		today := domain.ParisDay(h.now())
		end, _ := time.Parse(time.DateOnly, today)
		for _, p := range []struct {
			label string
			days  int
		}{{"7 derniers jours", 7}, {"30 derniers jours", 30}, {"12 derniers mois", 365}} {
			from := end.AddDate(0, 0, 1-p.days).Format(time.DateOnly)
			page.Periods = append(page.Periods, pageLink{Label: p.label, URL: path + "?" + periodQuery(from, today, dto.Entry),
				Current: from == dto.From && today == dto.To})
		}
	}
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	c.Response().WriteHeader(status)
	return h.page.Execute(c.Response(), struct {
		statsPage
		CSS template.CSS
	}{page, template.CSS(statsCSS)})
}

func periodQuery(from, to, entry string) string {
	v := url.Values{"from": {from}, "to": {to}}
	if entry != "" {
		v.Set("entry", entry)
	}
	return v.Encode()
}
