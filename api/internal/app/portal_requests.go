package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/portals"
	"github.com/aiguillage/aiguillage/api/internal/store"
)

// portalRequests writes the counts of the requests made with the portals'
// keys: every portals.DefaultFlushEvery, and a last time at Close.
type portalRequests struct {
	counter *portals.RequestCounter
	stop    context.CancelFunc
	done    chan struct{}
}

// startPortalRequests starts the periodic writing of the counter's counts
// (until ctx ends or close).
func startPortalRequests(ctx context.Context, log *slog.Logger, s *store.Store) *portalRequests {
	pr := &portalRequests{counter: portals.NewRequestCounter(s, time.Now, log), done: make(chan struct{})}
	rctx, stop := context.WithCancel(ctx)
	pr.stop = stop
	go func() {
		defer close(pr.done)
		pr.counter.Run(rctx, portals.DefaultFlushEvery)
	}()
	return pr
}

// close stops the periodic writing and writes what was counted since
// (within ctx). Requests must be over. nil-safe.
func (pr *portalRequests) close(ctx context.Context) error {
	if pr == nil {
		return nil
	}
	pr.stop()
	<-pr.done
	return pr.counter.Flush(ctx)
}
