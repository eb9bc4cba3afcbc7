package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Connect opens the store as Open does, retrying while the database cannot
// be reached (a PostgreSQL server still starting, a network not yet up) for
// at most within. It gives up at once on what waiting does not fix: a bad
// URL, a refused password, a missing database, an SQLite file that cannot
// be opened. Its error is one line.
func Connect(ctx context.Context, rawURL string, opts Options, within time.Duration) (*Store, error) {
	start := time.Now()
	wait := 250 * time.Millisecond
	for attempt := 1; ; attempt++ {
		s, err := Open(ctx, rawURL, opts)
		if err == nil {
			return s, nil
		}
		elapsed := time.Since(start)
		if !Unreachable(err) {
			return nil, oneLine(err)
		}
		if elapsed+wait > within || ctx.Err() != nil {
			return nil, fmt.Errorf("database unreachable (%d attempts in %s; AIGUILLAGE_DB_CONNECT_TIMEOUT=%s): %w",
				attempt, elapsed.Round(100*time.Millisecond), within, oneLine(err))
		}
		if opts.Logger != nil {
			opts.Logger.WarnContext(ctx, "database unreachable, retrying", "attempt", attempt, "retry_in", wait.String(), "error", oneLine(err).Error())
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("database unreachable: %w", oneLine(err))
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

// Unreachable reports whether err, from Open, says the PostgreSQL server
// could not be reached or is not accepting connections yet, rather than
// refusing them (authentication, unknown database).
func Unreachable(err error) bool {
	var ce *pgconn.ConnectError
	if !errors.As(err, &ce) {
		return false
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return true // no answer from a server: network, DNS, refused connection
	}
	switch pe.Code {
	case "57P03", "53300": // cannot_connect_now (starting up, recovery), too_many_connections
		return true
	}
	return false
}

// oneLine joins the lines of a multi-line error (pgx reports one line per
// address tried) so that the operator's terminal shows one.
func oneLine(err error) error {
	msg := err.Error()
	if !strings.ContainsAny(msg, "\r\n") {
		return err
	}
	return errors.New(strings.Join(strings.Fields(strings.ReplaceAll(msg, "\n", " ; ")), " "))
}
