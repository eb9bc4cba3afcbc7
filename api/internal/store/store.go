// Package store implements the domain's store interfaces over GORM, on
// PostgreSQL (production) or an embedded SQLite file (the zero-setup default).
// The schema comes only from the versioned SQL migrations embedded here, one
// folder per dialect.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

//go:embed migrations
var migrationsFS embed.FS

// Dialect names a supported database.
type Dialect string

const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// Options configure Open.
type Options struct {
	Logger *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// QueryTimeout bounds each SQL statement and the start of each
	// transaction (none when zero: tools and tests; the server's
	// configuration sets AIGUILLAGE_DB_QUERY_TIMEOUT, DefaultQueryTimeout);
	// PingTimeout bounds the first ping Open makes (DefaultPingTimeout when
	// zero). See guard.
	QueryTimeout, PingTimeout time.Duration
	// Pool sizes the connection pool (PostgreSQL) or the readers' pool
	// (SQLite, whose single writer has one connection); zero fields take
	// the defaults: 20 open and 10 idle connections on PostgreSQL, 4
	// SQLite readers.
	Pool Pool
}

// Pool sizes a database/sql connection pool.
type Pool struct {
	// MaxOpen bounds the open connections; MaxIdle those kept idle.
	MaxOpen, MaxIdle int
	// MaxLifetime recycles a connection after that time, so a pooler or a
	// failover is followed; MaxIdleTime closes idle ones. Zero takes the
	// default; negative means never.
	MaxLifetime, MaxIdleTime time.Duration
}

// Default pools. On PostgreSQL, each replica holds at most MaxOpen pooled
// connections plus one for the Listener: 4 replicas × (20 + 1) stay under
// the server's default max_connections (100) with room for migrations and
// psql. SQLite has one writer connection and a few readers (WAL).
var (
	postgresPool  = Pool{MaxOpen: 20, MaxIdle: 10, MaxLifetime: 30 * time.Minute, MaxIdleTime: 5 * time.Minute}
	sqliteReaders = Pool{MaxOpen: 4, MaxIdle: 4}
)

func (p Pool) withDefaults(d Pool) Pool {
	if p.MaxOpen <= 0 {
		p.MaxOpen = d.MaxOpen
	}
	if p.MaxIdle <= 0 {
		p.MaxIdle = min(d.MaxIdle, p.MaxOpen)
	}
	p.MaxIdle = min(p.MaxIdle, p.MaxOpen)
	if p.MaxLifetime == 0 {
		p.MaxLifetime = d.MaxLifetime
	}
	if p.MaxIdleTime == 0 {
		p.MaxIdleTime = d.MaxIdleTime
	}
	return p
}

// Store is the GORM implementation of the domain stores.
type Store struct {
	dialect Dialect
	// w receives writes; r serves reads. On PostgreSQL they are the same pool;
	// on SQLite w has a single connection (one writer) and r several.
	w, r *gorm.DB
	now  func() time.Time
	log  *slog.Logger
	// generation counts the committed writes of public data (organisations,
	// themes, contact points, logos) made through this store, so response
	// caches know when to drop what they hold. On PostgreSQL the
	// Listener also moves it on when another replica announces a write.
	generation atomic.Uint64
	// portalGeneration counts the portals created or revoked (PortalsTopic).
	portalGeneration atomic.Uint64
	// dsn is the PostgreSQL connection string, for the Listener.
	dsn string
	// instance names this process in the change announcements.
	instance string
}

// Generation changes after every committed write of public data made
// through this store and, on PostgreSQL with a running Listener, after
// every write another replica announces (see ChangesChannel).
func (s *Store) Generation() uint64 { return s.generation.Load() }

// publicWrite runs fn in a transaction and, once committed, moves the
// generation on. On PostgreSQL the transaction also announces the change
// on ChangesChannel: the announcement is delivered on commit only, so the
// other replicas never hear of a write that was rolled back.
func (s *Store) publicWrite(ctx context.Context, fn func(tx *gorm.DB) error) error {
	err := s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := fn(tx); err != nil {
			return err
		}
		if s.dialect == Postgres {
			if err := tx.Exec("SELECT pg_notify(?, ?)", ChangesChannel, s.instance).Error; err != nil {
				return fmt.Errorf("announce the change: %w", err)
			}
		}
		return nil
	})
	if err == nil {
		s.generation.Add(1)
	}
	return err
}

// ParseURL splits a database URL into its dialect and the driver DSN.
// Accepted: postgres://…, postgresql://…, sqlite:PATH, sqlite::memory:.
func ParseURL(raw string) (Dialect, string, error) {
	switch {
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		if _, err := url.Parse(raw); err != nil {
			return "", "", fmt.Errorf("parse PostgreSQL URL: %w", err)
		}
		return Postgres, raw, nil
	case strings.HasPrefix(raw, "sqlite:"):
		path := strings.TrimPrefix(raw, "sqlite:")
		path = strings.TrimPrefix(path, "//")
		if path == "" {
			return "", "", errors.New("sqlite URL needs a path, e.g. sqlite:data/aiguillage.db")
		}
		return SQLite, path, nil
	default:
		return "", "", fmt.Errorf("unsupported database URL %q: use postgres://… or sqlite:PATH", redactURL(raw))
	}
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		if i := strings.Index(raw, "@"); i >= 0 {
			return "…" + raw[i:]
		}
		return raw
	}
	return u.Redacted()
}

// Open connects to the database named by rawURL. It does not migrate.
func Open(ctx context.Context, rawURL string, opts Options) (*Store, error) {
	dialect, dsn, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Store{dialect: dialect, now: opts.Now, log: opts.Logger, instance: newInstanceID()}
	cfg := func() *gorm.Config {
		return &gorm.Config{
			TranslateError: true,
			// Open pings itself, within PingTimeout: GORM's ping has no
			// deadline and would wait forever on a server that never answers.
			DisableAutomaticPing: true,
			NowFunc:              func() time.Time { return opts.Now().UTC() },
			Logger: logger.NewSlogLogger(opts.Logger, logger.Config{
				SlowThreshold:             200 * time.Millisecond,
				LogLevel:                  logger.Warn,
				IgnoreRecordNotFoundError: true,
				ParameterizedQueries:      true,
			}),
		}
	}
	switch dialect {
	case Postgres:
		db, err := gorm.Open(postgres.Open(dsn), cfg())
		if err != nil {
			return nil, fmt.Errorf("open PostgreSQL %s: %w", redactURL(dsn), err)
		}
		sqlDB, err := db.DB()
		if err != nil {
			return nil, fmt.Errorf("open PostgreSQL pool: %w", err)
		}
		pool := opts.Pool.withDefaults(postgresPool)
		sqlDB.SetMaxOpenConns(pool.MaxOpen)
		sqlDB.SetMaxIdleConns(pool.MaxIdle)
		sqlDB.SetConnMaxLifetime(pool.MaxLifetime)
		sqlDB.SetConnMaxIdleTime(pool.MaxIdleTime)
		s.w, s.r, s.dsn = db, db, dsn
	case SQLite:
		memory := dsn == ":memory:" || strings.Contains(dsn, "mode=memory")
		if !memory {
			if dir := filepath.Dir(dsn); dir != "." {
				if err := os.MkdirAll(dir, 0o750); err != nil {
					return nil, fmt.Errorf("create SQLite folder %s: %w", dir, err)
				}
			}
		}
		pragmas := "_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)"
		if !memory {
			pragmas += "&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
		}
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		full := dsn + sep + pragmas
		if !strings.HasPrefix(full, "file:") {
			full = "file:" + full
		}
		w, err := gorm.Open(sqlite.Open(full), cfg())
		if err != nil {
			return nil, fmt.Errorf("open SQLite %s: %w", dsn, err)
		}
		wdb, err := w.DB()
		if err != nil {
			return nil, fmt.Errorf("open SQLite pool: %w", err)
		}
		wdb.SetMaxOpenConns(1)
		wdb.SetConnMaxLifetime(0)
		wdb.SetConnMaxIdleTime(0)
		s.w, s.r = w, w
		if !memory {
			r, err := gorm.Open(sqlite.Open(full+"&_pragma=query_only(1)"), cfg())
			if err != nil {
				return nil, fmt.Errorf("open SQLite readers %s: %w", dsn, err)
			}
			rdb, err := r.DB()
			if err != nil {
				return nil, fmt.Errorf("open SQLite reader pool: %w", err)
			}
			pool := opts.Pool.withDefaults(sqliteReaders)
			rdb.SetMaxOpenConns(pool.MaxOpen)
			rdb.SetMaxIdleConns(pool.MaxIdle)
			rdb.SetConnMaxLifetime(pool.MaxLifetime)
			rdb.SetConnMaxIdleTime(pool.MaxIdleTime)
			s.r = r
		}
	}
	if err := s.guard(opts.QueryTimeout); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("register statement guards: %w", err)
	}
	if opts.PingTimeout <= 0 {
		opts.PingTimeout = DefaultPingTimeout
	}
	pctx, cancel := context.WithTimeout(ctx, opts.PingTimeout)
	defer cancel()
	if err := s.Ping(pctx); err != nil {
		_ = s.Close()
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			err = fmt.Errorf("no answer within %s: %w", opts.PingTimeout, err)
		}
		if dialect == Postgres {
			return nil, fmt.Errorf("open PostgreSQL %s: %w", redactURL(dsn), err)
		}
		return nil, err
	}
	return s, nil
}

// Dialect returns the database in use.
func (s *Store) Dialect() Dialect { return s.dialect }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	db, err := s.w.DB()
	if err != nil {
		return fmt.Errorf("database handle: %w", err)
	}
	if err := db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", s.dialect, err)
	}
	return nil
}

// Close releases every connection.
func (s *Store) Close() error {
	var errs []error
	for _, g := range []*gorm.DB{s.w, s.r} {
		if db, err := g.DB(); err == nil {
			errs = append(errs, db.Close())
		}
		if s.r == s.w {
			break
		}
	}
	return errors.Join(errs...)
}

func (s *Store) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrationsFS, "migrations/"+string(s.dialect))
	if err != nil {
		return nil, fmt.Errorf("migrations for %s: %w", s.dialect, err)
	}
	db, err := s.w.DB()
	if err != nil {
		return nil, fmt.Errorf("database handle: %w", err)
	}
	var opts []goose.ProviderOption
	dialect := goose.DialectSQLite3
	if s.dialect == Postgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, fmt.Errorf("migration lock: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, db, sub, opts...)
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	return p, nil
}

// MigrationStatus says where the schema stands.
type MigrationStatus struct {
	Current, Target int64
}

// Pending reports whether migrations remain to apply.
func (m MigrationStatus) Pending() bool { return m.Current < m.Target }

// Migrate applies every pending migration and returns the versions applied.
func (s *Store) Migrate(ctx context.Context) ([]int64, error) {
	p, err := s.provider()
	if err != nil {
		return nil, err
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("apply migrations on %s: %w", s.dialect, err)
	}
	applied := make([]int64, 0, len(results))
	for _, r := range results {
		applied = append(applied, r.Source.Version)
	}
	return applied, nil
}

// MigrationStatus compares the database with the embedded migrations.
func (s *Store) MigrationStatus(ctx context.Context) (MigrationStatus, error) {
	p, err := s.provider()
	if err != nil {
		return MigrationStatus{}, err
	}
	cur, target, err := p.GetVersions(ctx)
	if err != nil {
		return MigrationStatus{}, fmt.Errorf("read schema version: %w", err)
	}
	return MigrationStatus{Current: cur, Target: target}, nil
}

// SQLDB exposes the writer pool, for metrics.
func (s *Store) SQLDB() (*sql.DB, error) { return s.w.DB() }

// Statement is one SQL statement the store ran, as sent to the database.
type Statement struct {
	SQL  string
	Vars []any
}

// Trace calls fn after every statement the store runs (queries, counts,
// raw reads, writes), on every pool, until the store is closed. It serves
// the tests that count the statements of a request or EXPLAIN them.
func (s *Store) Trace(fn func(Statement)) error {
	cb := func(tx *gorm.DB) {
		// Subqueries are built by a dry run of their own: not statements.
		if tx.DryRun || tx.Statement == nil || tx.Statement.SQL.Len() == 0 {
			return
		}
		fn(Statement{SQL: tx.Statement.SQL.String(), Vars: slices.Clone(tx.Statement.Vars)})
	}
	for i, g := range []*gorm.DB{s.w, s.r} {
		if i == 1 && s.r == s.w {
			break
		}
		c := g.Callback()
		name := "aiguillage:trace"
		if err := errors.Join(
			c.Query().After("gorm:query").Register(name, cb),
			c.Row().After("gorm:row").Register(name, cb),
			c.Raw().After("gorm:raw").Register(name, cb),
			c.Create().After("gorm:create").Register(name, cb),
			c.Update().After("gorm:update").Register(name, cb),
			c.Delete().After("gorm:delete").Register(name, cb),
		); err != nil {
			return fmt.Errorf("trace: %w", err)
		}
	}
	return nil
}
