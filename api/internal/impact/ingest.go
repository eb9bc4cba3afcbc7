package impact

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// push adds events to the write buffer, all of them or none. A full or
// closing buffer refuses them with EUNAVAILABLE: the client retries later
// (RetryAfter), nothing is dropped silently.
func (s *Service) push(events []domain.UsageEvent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
		s.metrics.rejected.Add(float64(len(events)))
		return domain.Errorf(domain.EUNAVAILABLE, "Le service redémarre : réessayez dans quelques secondes.")
	case len(s.buf)+s.inflight+len(events) > s.max:
		s.metrics.rejected.Add(float64(len(events)))
		return domain.Errorf(domain.EUNAVAILABLE, "Trop d'événements en attente d'écriture : réessayez dans quelques secondes.")
	}
	s.buf = append(s.buf, events...)
	s.metrics.accepted.Add(float64(len(events)))
	if len(s.buf) >= s.batchSize {
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
	return nil
}

// RetryAfter is how long a client refused with EUNAVAILABLE should wait.
func (s *Service) RetryAfter() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failing {
		return RetryAfterFailing
	}
	return RetryAfter
}

// Pending returns how many accepted events are not written yet.
func (s *Service) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.buf) + s.inflight
}

// Close stops accepting events, writes every accepted one, and stops the
// writer. When ctx ends first, the writer gives up and Close reports how
// many accepted events were not written.
func (s *Service) Close(ctx context.Context) error {
	s.stop.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		close(s.closing)
	})
	select {
	case <-s.done:
		return nil
	case <-ctx.Done():
		close(s.abort)
		<-s.done
		if n := s.Pending(); n > 0 {
			s.log.Error("usage events lost at shutdown: the database did not take them in time", "events", n)
			return fmt.Errorf("close usage events: %d not written: %w", n, ctx.Err())
		}
		return nil
	}
}

// write is the background writer: every flushEvery, or as soon as a batch
// is waiting, it writes what the buffer holds, one transaction per batch.
// A failed batch goes back to the front of the buffer and is retried with
// backoff. Once closing, it writes everything left and returns.
func (s *Service) write() {
	defer close(s.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-s.abort:
			cancel()
		case <-ctx.Done():
		}
	}()
	tick := time.NewTicker(s.flushEvery)
	defer tick.Stop()
	closing := false
	backoff := time.Duration(0)
	for {
		if !closing {
			select {
			case <-s.wake:
			case <-tick.C:
			case <-s.closing:
				closing = true
			}
		}
		err := s.flush(ctx)
		if err == nil {
			backoff = 0
			if closing {
				return
			}
			continue
		}
		s.mu.Lock()
		s.failing = true
		s.mu.Unlock()
		backoff = min(max(2*backoff, 250*time.Millisecond), 30*time.Second)
		s.log.Error("write usage events", "error", err, "pending", s.Pending(), "retry_in", backoff.String())
		select {
		case <-ctx.Done():
			return
		case <-s.closing:
			closing = true
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
		case <-time.After(backoff):
		}
	}
}

// flush writes everything the buffer holds, batch by batch. On failure
// the batches not written go back to the front of the buffer.
func (s *Service) flush(ctx context.Context) error {
	s.mu.Lock()
	taken := s.buf
	s.buf = nil
	s.inflight += len(taken)
	s.mu.Unlock()
	for len(taken) > 0 {
		n := min(s.batchSize, len(taken))
		done, err := s.insert(ctx, taken[:n])
		taken = taken[done:]
		s.mu.Lock()
		s.inflight -= done
		if err != nil {
			s.buf = append(taken, s.buf...)
			s.inflight -= len(taken)
		} else {
			s.failing = false
		}
		s.mu.Unlock()
		if done > 0 {
			s.written.Add(1)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// insert writes one batch in one transaction and returns how many of its
// events are done with (written, or dropped as below). When the database
// answers but refuses the batch, some event in it is at fault (its partner
// was deleted since it was accepted…): the events are then written one by
// one and those refused are logged and dropped, so that one bad event does
// not hold the others back forever.
func (s *Service) insert(ctx context.Context, batch []domain.UsageEvent) (int, error) {
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err := s.store.InsertUsageEvents(wctx, batch)
	if err == nil {
		s.metrics.written.Add(float64(len(batch)))
		return len(batch), nil
	}
	s.metrics.failed.Inc()
	if transient(wctx, s.store, err) {
		return 0, err
	}
	for i := range batch {
		if err := s.store.InsertUsageEvents(wctx, batch[i:i+1]); err != nil {
			if transient(wctx, s.store, err) {
				return i, err
			}
			s.metrics.dropped.Inc()
			s.log.Error("usage event refused by the database, dropped", "error", err, "type", batch[i].Type, "organisation", batch[i].OrganisationID)
			continue
		}
		s.metrics.written.Inc()
	}
	return len(batch), nil
}

// transient reports whether a failed write may succeed later: the
// database does not answer, has no room left (the events stay in the
// buffer until an operator makes room), or the write was cut short.
func transient(ctx context.Context, st Store, err error) bool {
	switch domain.ErrorCode(err) {
	case domain.EUNAVAILABLE, domain.EINSUFFICIENTSTORAGE:
		return true
	}
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || st.Ping(ctx) != nil
}
