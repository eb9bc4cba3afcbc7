package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// DefaultQueryTimeout is the default of AIGUILLAGE_DB_QUERY_TIMEOUT, which
// the server passes as Options.QueryTimeout: a database that does not
// answer makes the request fail with EUNAVAILABLE (503) instead of holding
// it, and its goroutine, forever.
const DefaultQueryTimeout = 10 * time.Second

// DefaultPingTimeout bounds the first ping Open makes (one attempt; see Connect for retries).
const DefaultPingTimeout = 10 * time.Second

// Messages of the unavailability errors, shown to clients.
const (
	msgUnreachable = "La base de données ne répond pas : réessayez dans quelques instants."
	msgTimeout     = "La base de données n'a pas répondu à temps : réessayez dans quelques instants."
	msgFull        = "L'espace de stockage de la base de données est plein : les modifications sont suspendues, la consultation continue."
)

// unavailable maps the errors of a database that does not answer (network
// down, connection refused or cut, server shutting down, statement
// timeout) or that has no room left (disk or database full) to
// application errors: EUNAVAILABLE (503) and EINSUFFICIENTSTORAGE (507).
// Any other error, and a request cancelled by its client, is returned
// unchanged.
func unavailable(err error) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	wrap := func(code, msg string) error { return &domain.Error{Code: code, Message: msg, Err: err} }
	// Server-side errors first: they name their cause.
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "53100": // disk_full
			return wrap(domain.EINSUFFICIENTSTORAGE, msgFull)
		case strings.HasPrefix(pe.Code, "08"), // connection exception
			pe.Code == "53300",                                         // too_many_connections
			pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03", // shutdown, crash, cannot connect now
			pe.Code == "25006": // read_only_sql_transaction (a standby after a failover)
			return wrap(domain.EUNAVAILABLE, msgUnreachable)
		case pe.Code == "57014": // query_canceled (statement_timeout)
			return wrap(domain.EUNAVAILABLE, msgTimeout)
		}
		return err
	}
	var se interface{ Code() int }
	if errors.As(err, &se) {
		switch se.Code() & 0xff { // primary SQLite result code
		case 13: // SQLITE_FULL: disk full, or max_page_count reached
			return wrap(domain.EINSUFFICIENTSTORAGE, msgFull)
		case 5, 6: // SQLITE_BUSY, SQLITE_LOCKED: the writer waited busy_timeout
			return wrap(domain.EUNAVAILABLE, msgTimeout)
		case 9: // SQLITE_INTERRUPT: the statement timeout
			return wrap(domain.EUNAVAILABLE, msgTimeout)
		case 10: // SQLITE_IOERR
			if errors.Is(err, syscall.ENOSPC) {
				return wrap(domain.EINSUFFICIENTSTORAGE, msgFull)
			}
			return wrap(domain.EUNAVAILABLE, msgUnreachable)
		}
	}
	if errors.Is(err, syscall.ENOSPC) {
		return wrap(domain.EINSUFFICIENTSTORAGE, msgFull)
	}
	if errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err) {
		return wrap(domain.EUNAVAILABLE, msgTimeout)
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.As(err, &ne),
		errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone),
		errors.Is(err, pgconn.ErrConnClosed), errors.Is(err, net.ErrClosed),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return wrap(domain.EUNAVAILABLE, msgUnreachable)
	}
	return err
}

// Unavailable reports whether err says that the database does not answer
// or has no room left (see unavailable).
func Unavailable(err error) bool {
	c := domain.ErrorCode(unavailable(err))
	return c == domain.EUNAVAILABLE || c == domain.EINSUFFICIENTSTORAGE
}

// guard registers, on every pool of the store, the GORM callbacks that
// bound each statement by timeout (when its context has no earlier
// deadline) and map the errors of an unavailable database with
// unavailable. Row and Rows statements are left unbounded: their rows
// are read after the callbacks return (exports stream them), and they
// stay bounded by their caller's context.
func (s *Store) guard(timeout time.Duration) error {
	// The statement's own context is put back afterwards: a query chain
	// may be run twice (Count, then Find).
	type bounded struct {
		parent context.Context
		cancel context.CancelFunc
	}
	const key = "aiguillage:statement_timeout"
	before := func(tx *gorm.DB) {
		if timeout <= 0 || tx.Statement == nil || tx.Statement.Context == nil {
			return
		}
		parent := tx.Statement.Context
		if d, ok := parent.Deadline(); ok && time.Until(d) <= timeout {
			return
		}
		ctx, cancel := context.WithTimeout(parent, timeout)
		tx.Statement.Context = ctx
		tx.InstanceSet(key, &bounded{parent: parent, cancel: cancel})
	}
	after := func(tx *gorm.DB) {
		if v, ok := tx.InstanceGet(key); ok {
			if b, ok := v.(*bounded); ok && b != nil {
				b.cancel()
				tx.Statement.Context = b.parent
				tx.InstanceSet(key, (*bounded)(nil))
			}
		}
		if tx.Error != nil {
			tx.Error = unavailable(tx.Error)
		}
	}
	mapOnly := func(tx *gorm.DB) {
		if tx.Error != nil {
			tx.Error = unavailable(tx.Error)
		}
	}
	for i, g := range []*gorm.DB{s.w, s.r} {
		if i == 1 && s.r == s.w {
			break
		}
		sqlDB, err := g.DB()
		if err != nil {
			return err
		}
		bp := &boundedPool{DB: sqlDB, timeout: timeout}
		g.ConnPool, g.Statement.ConnPool = bp, bp
		c := g.Callback()
		const b, a = "aiguillage:timeout", "aiguillage:unavailable"
		if err := errors.Join(
			c.Query().Before("gorm:query").Register(b, before),
			c.Query().After("gorm:after_query").Register(a, after),
			c.Raw().Before("gorm:raw").Register(b, before),
			c.Raw().After("gorm:raw").Register(a, after),
			c.Create().Before("gorm:begin_transaction").Register(b, before),
			c.Create().After("gorm:commit_or_rollback_transaction").Register(a, after),
			c.Update().Before("gorm:begin_transaction").Register(b, before),
			c.Update().After("gorm:commit_or_rollback_transaction").Register(a, after),
			c.Delete().Before("gorm:begin_transaction").Register(b, before),
			c.Delete().After("gorm:commit_or_rollback_transaction").Register(a, after),
			c.Row().After("gorm:row").Register(a, mapOnly),
		); err != nil {
			return err
		}
	}
	return nil
}

// boundedPool is the store's connection pool as GORM sees it: a
// transaction must begin (a connection taken from the pool or dialled,
// BEGIN answered) within timeout, after which its statements are bounded
// one by one by guard. The transaction itself stays bound to its
// caller's context only: a long import is not cut short.
type boundedPool struct {
	*sql.DB
	timeout time.Duration
}

// GetDBConn lets gorm.DB.DB return the pool.
func (p *boundedPool) GetDBConn() (*sql.DB, error) { return p.DB, nil }

// BeginTx begins a transaction within the timeout.
func (p *boundedPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error) {
	if p.timeout <= 0 {
		return p.DB.BeginTx(ctx, opts)
	}
	if d, ok := ctx.Deadline(); ok && time.Until(d) <= p.timeout {
		return p.DB.BeginTx(ctx, opts)
	}
	// Cancelled if BEGIN takes too long; otherwise it lives as long as
	// ctx (whose end releases it), like the transaction.
	tctx, cancel := context.WithCancel(ctx)
	timer := time.AfterFunc(p.timeout, cancel)
	tx, err := p.DB.BeginTx(tctx, opts)
	if !timer.Stop() {
		if tx != nil {
			_ = tx.Rollback()
		}
		return nil, unavailable(fmt.Errorf("begin a transaction within %s: %w", p.timeout, context.DeadlineExceeded))
	}
	if err != nil {
		return nil, unavailable(err)
	}
	return tx, nil
}
