package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// sqliteError stands for the SQLite driver's error (a result code).
type sqliteError int

func (e sqliteError) Error() string { return fmt.Sprintf("sqlite error %d", int(e)) }
func (e sqliteError) Code() int     { return int(e) }

func TestUnavailable(t *testing.T) {
	notFound := &domain.Error{Code: domain.ENOTFOUND, Message: "introuvable"}
	plain := errors.New("syntax error")
	for _, tc := range []struct {
		name string
		err  error
		want string // domain code, "" when returned unchanged
	}{
		{"connection refused", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, domain.EUNAVAILABLE},
		{"connection cut", fmt.Errorf("query: %w", io.ErrUnexpectedEOF), domain.EUNAVAILABLE},
		{"bad connection", driver.ErrBadConn, domain.EUNAVAILABLE},
		{"closed connection", fmt.Errorf("exec: %w", pgconn.ErrConnClosed), domain.EUNAVAILABLE},
		{"statement timeout", fmt.Errorf("select: %w", context.DeadlineExceeded), domain.EUNAVAILABLE},
		{"PostgreSQL shutting down", &pgconn.PgError{Code: "57P01"}, domain.EUNAVAILABLE},
		{"PostgreSQL connection failure", &pgconn.PgError{Code: "08006"}, domain.EUNAVAILABLE},
		{"PostgreSQL statement_timeout", &pgconn.PgError{Code: "57014"}, domain.EUNAVAILABLE},
		{"PostgreSQL disk full", &pgconn.PgError{Code: "53100"}, domain.EINSUFFICIENTSTORAGE},
		{"SQLite full", fmt.Errorf("insert: %w", sqliteError(13)), domain.EINSUFFICIENTSTORAGE},
		{"SQLite busy", sqliteError(5), domain.EUNAVAILABLE},
		{"SQLite I/O error, no space", errors.Join(sqliteError(10|3<<8), syscall.ENOSPC), domain.EINSUFFICIENTSTORAGE},
		{"no space", &net.OpError{Op: "write", Err: syscall.ENOSPC}, domain.EINSUFFICIENTSTORAGE},
		{"PostgreSQL unique violation", &pgconn.PgError{Code: "23505"}, ""},
		{"SQLite constraint", sqliteError(19), ""},
		{"client gone", fmt.Errorf("select: %w", context.Canceled), ""},
		{"application error", notFound, ""},
		{"other error", plain, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := unavailable(tc.err)
			if tc.want == "" {
				if got != tc.err {
					t.Fatalf("unavailable(%v) = %v, want it unchanged", tc.err, got)
				}
				if Unavailable(tc.err) {
					t.Fatalf("Unavailable(%v) = true", tc.err)
				}
				return
			}
			var de *domain.Error
			if !errors.As(got, &de) || de.Code != tc.want || de.Message == "" || !errors.Is(got, tc.err) {
				t.Fatalf("unavailable(%v) = %#v, want code %s wrapping the cause", tc.err, got, tc.want)
			}
			if !Unavailable(tc.err) {
				t.Fatalf("Unavailable(%v) = false", tc.err)
			}
		})
	}
}

func TestStatementTimeout(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:file:statement_timeout?mode=memory&cache=shared", Options{QueryTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// A query chain run twice (Count, then Find) gets its own context back
	// between the two: the first statement's timeout does not cancel the second.
	q := s.r.WithContext(ctx).Table("sqlite_master")
	var n int64
	if err := q.Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	var names []struct{ Name string }
	if err := q.Find(&names).Error; err != nil {
		t.Fatalf("second statement of the chain: %v", err)
	}
	// A transaction outlives the timeout: only each statement is bounded.
	err = s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		time.Sleep(300 * time.Millisecond)
		return tx.Exec("SELECT 1").Error
	})
	if err != nil {
		t.Fatalf("transaction longer than the timeout: %v", err)
	}
}

// TestStatementTimeoutPostgres: a statement longer than the timeout fails
// with EUNAVAILABLE, in time. (SQLite's driver cannot interrupt a running
// read: there the timeout bounds the waits only.)
func TestStatementTimeoutPostgres(t *testing.T) {
	u := os.Getenv("AIGUILLAGE_TEST_POSTGRES_URL")
	switch u {
	case "skip":
		t.Skip("AIGUILLAGE_TEST_POSTGRES_URL=skip")
	case "":
		u = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	ctx := context.Background()
	s, err := Open(ctx, u, Options{QueryTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	var rows []struct{ N int }
	err = s.r.WithContext(ctx).Raw("SELECT 1 AS n FROM pg_sleep(5)").Find(&rows).Error
	if took := time.Since(start); domain.ErrorCode(err) != domain.EUNAVAILABLE || took > 3*time.Second {
		t.Fatalf("long statement: %v after %s, want EUNAVAILABLE after about 200ms", err, took)
	}
	if err := s.r.WithContext(ctx).Raw("SELECT 1 AS n").Find(&rows).Error; err != nil || len(rows) != 1 {
		t.Fatalf("next statement: %v %v", rows, err)
	}
}
