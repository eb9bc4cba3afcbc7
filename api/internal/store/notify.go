package store

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// ChangesChannel is the PostgreSQL channel on which every committed write
// of public data is announced, so the other replicas sharing the database
// drop their caches and rebuild their search index. The payload is the
// instance id of the writer, so a replica ignores its own announcements.
const ChangesChannel = "aiguillage_changes"

// newInstanceID returns a random id naming this process on ChangesChannel.
func newInstanceID() string {
	var b [8]byte
	_, _ = crand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}

// InstanceID names this process in the change announcements.
func (s *Store) InstanceID() string { return s.instance }

// Listener receives the change announcements of the other replicas over
// one dedicated PostgreSQL connection (outside the pool), and moves the
// store's generation on for each, which drops the response caches and
// triggers the search index rebuild. When the connection drops it
// reconnects with backoff, and moves the generation on once reconnected:
// announcements may have been missed meanwhile.
type Listener struct {
	s   *Store
	dsn string
	log *slog.Logger
	// MinBackoff and MaxBackoff bound the wait between reconnections.
	MinBackoff, MaxBackoff time.Duration

	conn      *pgx.Conn
	connected atomic.Bool
	received  atomic.Uint64
}

// NewListener returns the listener of the store's database, or nil on
// SQLite (a single process: nothing to listen to).
func (s *Store) NewListener() *Listener {
	if s.dialect != Postgres {
		return nil
	}
	return &Listener{s: s, dsn: s.dsn, log: s.log, MinBackoff: 100 * time.Millisecond, MaxBackoff: 10 * time.Second}
}

// Connected reports whether the listening connection is up.
func (l *Listener) Connected() bool { return l.connected.Load() }

// Received counts the announcements of other replicas received.
func (l *Listener) Received() uint64 { return l.received.Load() }

// Connect opens the listening connection and subscribes. Run calls it
// when needed; calling it first lets a caller listen before it reads.
func (l *Listener) Connect(ctx context.Context) error {
	if err := l.connect(ctx); err != nil {
		return err
	}
	l.connected.Store(true)
	return nil
}

func (l *Listener) connect(ctx context.Context) error {
	if l.conn != nil {
		return nil
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(cctx, l.dsn)
	if err != nil {
		return fmt.Errorf("listen: connect: %w", err)
	}
	if _, err := conn.Exec(cctx, "LISTEN "+pgx.Identifier{ChangesChannel}.Sanitize()); err != nil {
		_ = conn.Close(context.WithoutCancel(ctx))
		return fmt.Errorf("listen: subscribe: %w", err)
	}
	l.conn = conn
	return nil
}

func (l *Listener) close(ctx context.Context) {
	if l.conn == nil {
		return
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	_ = l.conn.Close(cctx)
	l.conn = nil
	l.connected.Store(false)
}

// Run receives announcements until ctx ends, then closes the connection.
func (l *Listener) Run(ctx context.Context) {
	defer l.close(ctx)
	backoff := l.MinBackoff
	lost := false
	for ctx.Err() == nil {
		if l.conn == nil {
			if err := l.connect(ctx); err != nil {
				if ctx.Err() != nil {
					return
				}
				// Full jitter, so replicas do not all come back at once.
				wait := backoff/2 + rand.N(backoff/2+1)
				l.log.WarnContext(ctx, "changes listener: cannot connect, retrying", "err", err, "retry_in", wait.Round(time.Millisecond))
				select {
				case <-ctx.Done():
					return
				case <-time.After(wait):
				}
				backoff = min(2*backoff, l.MaxBackoff)
				continue
			}
			backoff = l.MinBackoff
			if lost {
				// Writes made elsewhere while the connection was down
				// were not announced to us.
				l.s.generation.Add(1)
				l.s.portalGeneration.Add(1)
				l.log.InfoContext(ctx, "changes listener: reconnected, caches dropped")
				lost = false
			}
			l.connected.Store(true)
		}
		n, err := l.conn.WaitForNotification(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			l.log.WarnContext(ctx, "changes listener: connection lost", "err", err)
			l.close(ctx)
			lost = true
			continue
		}
		// The payload is the writer's instance id, followed by
		// ":"+PortalsTopic for a portal created or revoked.
		from, topic, _ := strings.Cut(n.Payload, ":")
		if from == l.s.instance {
			continue
		}
		l.received.Add(1)
		if topic == PortalsTopic {
			l.s.portalGeneration.Add(1)
		} else {
			l.s.generation.Add(1)
		}
		l.log.DebugContext(ctx, "changes listener: change announced by another replica", "from", n.Payload)
	}
}
