// Package config reads Aiguillage's settings from AIGUILLAGE_* environment
// variables, with defaults, *_FILE variants for secrets, and validation.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/store"
)

// Config holds every setting. Each field's env variable and default are in
// Variables, which the README table mirrors.
type Config struct {
	DatabaseURL     string
	Addr            string
	PublicURL       string
	LogLevel        slog.Level
	LogFormat       string
	ShutdownTimeout time.Duration
	// ShutdownDrain is how long a stopping server keeps serving, /readyz
	// answering 503, so that load balancers stop routing to it before it
	// closes its listener.
	ShutdownDrain time.Duration
	// DBConnectTimeout bounds how long a command retries an unreachable
	// database at start before it stops with an error.
	DBConnectTimeout time.Duration
	BodyLimit        int64
	// AutoMigrate makes serve apply pending migrations itself; otherwise it
	// refuses to start on a database with pending migrations.
	AutoMigrate bool
	// JWTKeys is the key spec of the access-token signing keys ("kid:seed,…",
	// first = active); empty: an ephemeral key made at start.
	JWTKeys         string
	AccessTokenTTL  time.Duration
	RefreshTokenTTL time.Duration
	AdminOrigins    []string
	// AdminURL is where the référents' app is served (absolute, no
	// trailing slash): invitation links and the ProConnect sign-in land
	// on it. Default: PublicURL + "/admin".
	AdminURL string
	// DemoMode lets the demo accounts (published passwords) log in.
	DemoMode bool
	// EventsRetention is how long raw usage events, feedback and search
	// misses are kept (aggregates are kept); EventsBuffer bounds the usage
	// events held in memory before they are written.
	EventsRetention Retention
	EventsBuffer    int
	// PublicReadLimit and PublicWriteLimit bound the public API's reads
	// and writes per client address.
	PublicReadLimit, PublicWriteLimit RateLimit
	// PublicEventsLimit bounds the widget's usage events (several batches
	// per page view, many residents behind one address at a reception desk).
	PublicEventsLimit RateLimit
	// TrustedProxies are address ranges, besides loopback and private
	// networks, whose X-Forwarded-For header is believed.
	TrustedProxies []*net.IPNet
	// DBPool sizes the database connection pool (zero fields: the store's
	// defaults for the dialect).
	DBPool store.Pool
	// DBQueryTimeout bounds each SQL statement (see loadFaults).
	DBQueryTimeout time.Duration
	// ProConnect configures sign-in with ProConnect (see loadProConnect);
	// its Issuer is empty when it is off.
	ProConnect ProConnect
}

// RateLimit allows Burst requests at once, then PerSecond on average; a
// zero PerSecond means no limit.
type RateLimit struct {
	PerSecond float64
	Burst     int
}

// Variable documents one environment variable.
type Variable struct {
	Name, Default, Description string
	Secret                     bool
}

// Variables lists the settings, in README order.
var Variables = []Variable{
	{"AIGUILLAGE_DATABASE_URL", "sqlite:data/aiguillage.db", "Base de données : `postgres://user:pass@host:5432/db?sslmode=…` ou `sqlite:CHEMIN` (fichier SQLite embarqué, créé au besoin).", true},
	{"AIGUILLAGE_ADDR", ":8080", "Adresse d'écoute HTTP.", false},
	{"AIGUILLAGE_PUBLIC_URL", "http://localhost:8080", "URL publique de base (liens absolus, documentation, widget).", false},
	{"AIGUILLAGE_ADMIN_URL", "", "URL où est servie l'application des référents (liens d'invitation, retour de la connexion avec ProConnect). Vide : AIGUILLAGE_PUBLIC_URL + /admin.", false},
	{"AIGUILLAGE_LOG_LEVEL", "info", "Niveau de journalisation : debug, info, warn, error.", false},
	{"AIGUILLAGE_LOG_FORMAT", "json", "Format des journaux : json ou text.", false},
	{"AIGUILLAGE_SHUTDOWN_TIMEOUT", "15s", "Délai laissé aux requêtes en cours lors d'un arrêt (SIGTERM).", false},
	{"AIGUILLAGE_SHUTDOWN_DRAIN", "5s", "Lors d'un arrêt (SIGTERM), durée pendant laquelle le serveur continue de répondre alors que /readyz répond 503, le temps que les répartiteurs de charge cessent de lui envoyer des requêtes ; puis il ferme son écoute. `0s` : aucune attente.", false},
	{"AIGUILLAGE_DB_CONNECT_TIMEOUT", "30s", "Au démarrage, durée pendant laquelle une base injoignable est réessayée avant l'arrêt avec une erreur. `0s` : une seule tentative.", false},
	{"AIGUILLAGE_BODY_LIMIT", "1048576", "Taille maximale d'un corps de requête, en octets.", false},
	{"AIGUILLAGE_PUBLIC_READ_RATE", "20/s", "Lectures de l'API publique permises par adresse de client, en moyenne : `N/s`, `N/m` ou `N/h` ; `0` : sans limite. Au-delà : 429 avec Retry-After.", false},
	{"AIGUILLAGE_PUBLIC_READ_BURST", "60", "Lectures de l'API publique permises d'un coup par adresse de client (rafale).", false},
	{"AIGUILLAGE_PUBLIC_WRITE_RATE", "10/m", "Écritures de l'API publique (signalements…) permises par adresse de client, en moyenne : `N/s`, `N/m` ou `N/h` ; `0` : sans limite.", false},
	{"AIGUILLAGE_PUBLIC_EVENTS_RATE", "120/m", "Lots d'événements d'usage du widget permis par adresse de client, en moyenne (plusieurs par page vue ; un guichet France services partage une adresse) ; `0` : sans limite.", false},
	{"AIGUILLAGE_PUBLIC_EVENTS_BURST", "60", "Lots d'événements d'usage permis d'un coup par adresse de client (rafale).", false},
	{"AIGUILLAGE_PUBLIC_WRITE_BURST", "5", "Écritures de l'API publique permises d'un coup par adresse de client (rafale).", false},
	{"AIGUILLAGE_TRUSTED_PROXIES", "", "Plages d'adresses (CIDR, séparées par des virgules) des mandataires inverses dont l'en-tête X-Forwarded-For est cru, en plus de la boucle locale et des réseaux privés.", false},
	{"AIGUILLAGE_AUTO_MIGRATE", "false", "`true` : `serve` applique les migrations en attente au démarrage ; `false` : il refuse de démarrer tant que `aiguillage migrate` n'a pas été lancé.", false},
	{"AIGUILLAGE_JWT_KEYS", "", "Clés de signature des jetons d'accès (Ed25519) : `kid:graine,…`, la première signe ; produites par `aiguillage keys generate`. Une graine qui n'est pas aléatoire est refusée. Vide : une clé éphémère à chaque démarrage (un seul serveur), acceptée seulement si AIGUILLAGE_PUBLIC_URL est une adresse locale (développement).", true},
	{"AIGUILLAGE_ACCESS_TOKEN_TTL", "10m", "Durée de vie d'un jeton d'accès (15 min au plus).", false},
	{"AIGUILLAGE_REFRESH_TOKEN_TTL", "720h", "Durée de vie d'une session (jeton de rafraîchissement, à usage unique).", false},
	{"AIGUILLAGE_ADMIN_ORIGINS", "", "Origines autorisées (CORS) à appeler l'API d'administration depuis un navigateur, séparées par des virgules.", false},
	{"AIGUILLAGE_DEMO_MODE", "false", "`true` : les comptes de démonstration (mots de passe publiés) peuvent se connecter. Jamais en production.", false},
	{"AIGUILLAGE_EVENTS_RETENTION", "13mo", "Durée de conservation des événements d'usage bruts, des avis et des recherches sans résultat (les agrégats quotidiens sont gardés) : `13mo` (mois), `395d` (jours) ou une durée Go (`720h`) ; 13 mois au plus.", false},
	{"AIGUILLAGE_DB_MAX_OPEN_CONNS", "", "Connexions ouvertes au plus vers la base, par serveur. Vide : 20 sur PostgreSQL (chaque réplique en ouvre en plus une, dédiée à l'écoute des changements : gardez répliques × (valeur + 1) sous `max_connections`, 100 par défaut) ; 4 lectrices sur SQLite (l'écrivain y est toujours unique).", false},
	{"AIGUILLAGE_DB_MAX_IDLE_CONNS", "", "Connexions inactives gardées ouvertes, au plus. Vide : 10 sur PostgreSQL, 4 sur SQLite.", false},
	{"AIGUILLAGE_DB_CONN_MAX_LIFETIME", "30m", "Durée de vie d'une connexion du pool avant d'être renouvelée (suivre une bascule ou un pooleur) ; `0` : illimitée.", false},
	{"AIGUILLAGE_DB_QUERY_TIMEOUT", "10s", "Durée maximale d'une instruction SQL : au-delà (base lente ou injoignable), la requête échoue avec 503 au lieu d'attendre. De 100ms à 10m (les imports et agrégations volumineux ont besoin de quelques secondes par instruction).", false},
	{"AIGUILLAGE_EVENTS_BUFFER", "50000", "Événements d'usage gardés en mémoire avant écriture ; au-delà, l'API répond 503 avec Retry-After.", false},
	{"AIGUILLAGE_PROCONNECT_ISSUER", "", "Connexion avec ProConnect : URL de l'émetteur OpenID Connect (production https://auth.proconnect.gouv.fr/api/v2, intégration https://fca.integ01.dev-agentconnect.fr/api/v2). Vide : ProConnect désactivé. Avec l'identifiant et le secret du client : les trois ou aucun.", false},
	{"AIGUILLAGE_PROCONNECT_CLIENT_ID", "", "Identifiant du client ProConnect (fourni à l'inscription du service ; URL de retour : AIGUILLAGE_PUBLIC_URL + /api/v1/auth/proconnect/callback).", false},
	{"AIGUILLAGE_PROCONNECT_CLIENT_SECRET", "", "Secret du client ProConnect.", true},
	{"AIGUILLAGE_PROCONNECT_SCOPES", "openid email given_name usual_name siret", "Portées demandées à ProConnect, séparées par des espaces ; openid et email sont obligatoires.", false},
	{"AIGUILLAGE_PROCONNECT_ACR", "", "Niveau d'authentification demandé à ProConnect (acr_values, par exemple eidas1). Vide : aucun.", false},
}

// Load reads the configuration through getenv. A bad value is an error
// naming the variable.
func Load(getenv func(string) string) (*Config, error) {
	get := func(name string) (string, error) {
		for _, v := range Variables {
			if v.Name != name {
				continue
			}
			if v.Secret {
				if path := getenv(name + "_FILE"); path != "" {
					b, err := os.ReadFile(path)
					if err != nil {
						return "", fmt.Errorf("%s_FILE: %w", name, err)
					}
					return strings.TrimSpace(string(b)), nil
				}
			}
			if val := getenv(name); val != "" {
				return val, nil
			}
			return v.Default, nil
		}
		return "", fmt.Errorf("unknown variable %s", name)
	}
	var errs []error
	must := func(name string) string {
		v, err := get(name)
		if err != nil {
			errs = append(errs, err)
		}
		return v
	}
	c := &Config{
		DatabaseURL: must("AIGUILLAGE_DATABASE_URL"),
		Addr:        must("AIGUILLAGE_ADDR"),
		PublicURL:   strings.TrimRight(must("AIGUILLAGE_PUBLIC_URL"), "/"),
		LogFormat:   must("AIGUILLAGE_LOG_FORMAT"),
	}
	if _, _, err := store.ParseURL(c.DatabaseURL); err != nil {
		errs = append(errs, fmt.Errorf("AIGUILLAGE_DATABASE_URL: %w", err))
	}
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		errs = append(errs, fmt.Errorf("AIGUILLAGE_ADDR: %q is not host:port (e.g. :8080)", c.Addr))
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("AIGUILLAGE_PUBLIC_URL: %q is not an http(s) URL", c.PublicURL))
	}
	if c.AdminURL = strings.TrimRight(must("AIGUILLAGE_ADMIN_URL"), "/"); c.AdminURL == "" {
		c.AdminURL = c.PublicURL + "/admin"
	} else if u, err := url.Parse(c.AdminURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(c.AdminURL, "?#") {
		errs = append(errs, fmt.Errorf("AIGUILLAGE_ADMIN_URL: %q is not an absolute http(s) URL (no query, no fragment) such as https://admin.example.fr", c.AdminURL))
	}
	if err := c.LogLevel.UnmarshalText([]byte(must("AIGUILLAGE_LOG_LEVEL"))); err != nil {
		errs = append(errs, fmt.Errorf("AIGUILLAGE_LOG_LEVEL: %w", err))
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		errs = append(errs, fmt.Errorf("AIGUILLAGE_LOG_FORMAT: %q is neither json nor text", c.LogFormat))
	}
	d, err := time.ParseDuration(must("AIGUILLAGE_SHUTDOWN_TIMEOUT"))
	if err != nil || d <= 0 {
		errs = append(errs, fmt.Errorf("AIGUILLAGE_SHUTDOWN_TIMEOUT: want a positive duration such as 15s"))
	}
	c.ShutdownTimeout = d
	n, err := strconv.ParseInt(must("AIGUILLAGE_BODY_LIMIT"), 10, 64)
	if err != nil || n < 1024 {
		errs = append(errs, fmt.Errorf("AIGUILLAGE_BODY_LIMIT: want a number of bytes ≥ 1024"))
	}
	c.BodyLimit = n
	auto, err := strconv.ParseBool(must("AIGUILLAGE_AUTO_MIGRATE"))
	if err != nil {
		errs = append(errs, fmt.Errorf("AIGUILLAGE_AUTO_MIGRATE: want true or false"))
	}
	c.AutoMigrate = auto
	c.JWTKeys = must("AIGUILLAGE_JWT_KEYS")
	if c.AccessTokenTTL, err = time.ParseDuration(must("AIGUILLAGE_ACCESS_TOKEN_TTL")); err != nil || c.AccessTokenTTL <= 0 || c.AccessTokenTTL > 15*time.Minute {
		errs = append(errs, fmt.Errorf("AIGUILLAGE_ACCESS_TOKEN_TTL: want a duration up to 15m"))
	}
	if c.RefreshTokenTTL, err = time.ParseDuration(must("AIGUILLAGE_REFRESH_TOKEN_TTL")); err != nil || c.RefreshTokenTTL < time.Hour {
		errs = append(errs, fmt.Errorf("AIGUILLAGE_REFRESH_TOKEN_TTL: want a duration of at least 1h"))
	}
	for _, o := range strings.Split(must("AIGUILLAGE_ADMIN_ORIGINS"), ",") {
		if o = strings.TrimSpace(o); o == "" {
			continue
		}
		if u, err := url.Parse(o); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" {
			errs = append(errs, fmt.Errorf("AIGUILLAGE_ADMIN_ORIGINS: %q is not an origin such as https://admin.example.fr", o))
		}
		c.AdminOrigins = append(c.AdminOrigins, o)
	}
	if c.DemoMode, err = strconv.ParseBool(must("AIGUILLAGE_DEMO_MODE")); err != nil {
		errs = append(errs, fmt.Errorf("AIGUILLAGE_DEMO_MODE: want true or false"))
	}
	for _, l := range []struct {
		name string
		dst  *RateLimit
	}{{"AIGUILLAGE_PUBLIC_READ", &c.PublicReadLimit}, {"AIGUILLAGE_PUBLIC_WRITE", &c.PublicWriteLimit}, {"AIGUILLAGE_PUBLIC_EVENTS", &c.PublicEventsLimit}} {
		if l.dst.PerSecond, err = parseRate(must(l.name + "_RATE")); err != nil {
			errs = append(errs, fmt.Errorf("%s_RATE: %w", l.name, err))
		}
		if l.dst.Burst, err = strconv.Atoi(must(l.name + "_BURST")); err != nil || l.dst.Burst < 1 || l.dst.Burst > 1_000_000 {
			errs = append(errs, fmt.Errorf("%s_BURST: want a number of requests between 1 and 1000000", l.name))
		}
	}
	for _, p := range strings.Split(must("AIGUILLAGE_TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		_, n, err := net.ParseCIDR(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("AIGUILLAGE_TRUSTED_PROXIES: %q is not an address range such as 203.0.113.0/24", p))
			continue
		}
		c.TrustedProxies = append(c.TrustedProxies, n)
	}
	if c.EventsRetention, err = ParseRetention(must("AIGUILLAGE_EVENTS_RETENTION")); err != nil {
		errs = append(errs, fmt.Errorf("AIGUILLAGE_EVENTS_RETENTION: %w", err))
	}
	if c.EventsBuffer, err = strconv.Atoi(must("AIGUILLAGE_EVENTS_BUFFER")); err != nil || c.EventsBuffer < 1000 || c.EventsBuffer > 10_000_000 {
		errs = append(errs, fmt.Errorf("AIGUILLAGE_EVENTS_BUFFER: want a number of events between 1000 and 10000000"))
	}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"AIGUILLAGE_DB_MAX_OPEN_CONNS", &c.DBPool.MaxOpen}, {"AIGUILLAGE_DB_MAX_IDLE_CONNS", &c.DBPool.MaxIdle}} {
		if v := must(p.name); v != "" {
			if *p.dst, err = strconv.Atoi(v); err != nil || *p.dst < 1 || *p.dst > 10_000 {
				errs = append(errs, fmt.Errorf("%s: want a number of connections between 1 and 10000", p.name))
			}
		}
	}
	if c.DBPool.MaxLifetime, err = time.ParseDuration(must("AIGUILLAGE_DB_CONN_MAX_LIFETIME")); err != nil || c.DBPool.MaxLifetime < 0 {
		errs = append(errs, fmt.Errorf("AIGUILLAGE_DB_CONN_MAX_LIFETIME: want a duration such as 30m (0: unlimited)"))
	} else if c.DBPool.MaxLifetime == 0 {
		c.DBPool.MaxLifetime = -1 // unlimited, not the store's default
	}
	errs = append(errs, c.loadStart(must)...)
	errs = append(errs, c.loadFaults(must)...)
	errs = append(errs, c.loadProConnect(must)...)
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	return c, nil
}

// parseRate reads a request rate such as 20/s, 10/m or 600/h, in requests
// per second; "0" means no limit.
func parseRate(s string) (float64, error) {
	if strings.TrimSpace(s) == "0" {
		return 0, nil
	}
	bad := fmt.Errorf("%q is not a rate such as 20/s, 10/m or 600/h (0: no limit)", s)
	n, unit, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return 0, bad
	}
	count, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
	if err != nil || count <= 0 || math.IsInf(count, 0) || math.IsNaN(count) {
		return 0, bad
	}
	switch strings.TrimSpace(unit) {
	case "s":
		return count, nil
	case "m", "min":
		return count / 60, nil
	case "h":
		return count / 3600, nil
	}
	return 0, bad
}

// Retention is a retention period: Months calendar months plus Duration.
type Retention struct {
	Months   int
	Duration time.Duration
}

// Cutoff returns the oldest time kept at now.
func (r Retention) Cutoff(now time.Time) time.Time {
	return now.AddDate(0, -r.Months, 0).Add(-r.Duration)
}

// maxRetentionDays is 13 months of days, the CNIL's bound for audience
// measurement.
const maxRetentionDays = 395

// ParseRetention reads a retention period: "13mo" (calendar months),
// "395d" (days) or a Go duration ("720h"), from one day to 13 months.
func ParseRetention(s string) (Retention, error) {
	s = strings.TrimSpace(s)
	bad := fmt.Errorf("%q is not a period such as 13mo, 395d or 720h, from 1 day to 13 months", s)
	var r Retention
	switch {
	case strings.HasSuffix(s, "mo"):
		n, err := strconv.Atoi(strings.TrimSuffix(s, "mo"))
		if err != nil || n < 1 || n > 13 {
			return Retention{}, bad
		}
		r.Months = n
	case strings.HasSuffix(s, "d"):
		n, err := strconv.Atoi(strings.TrimSuffix(s, "d"))
		if err != nil || n < 1 || n > maxRetentionDays {
			return Retention{}, bad
		}
		r.Duration = time.Duration(n) * 24 * time.Hour
	default:
		d, err := time.ParseDuration(s)
		if err != nil || d < 24*time.Hour || d > maxRetentionDays*24*time.Hour {
			return Retention{}, bad
		}
		r.Duration = d
	}
	return r, nil
}
