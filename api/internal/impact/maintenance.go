package impact

import (
	"context"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// ClosedDay returns the last day whose raw rows can no longer change at
// now: events carry their client's time, clamped to the server's ± one
// day, so a day is closed once the next one is over too.
func ClosedDay(now time.Time) string {
	return domain.ParisDay(now.In(domain.Paris()).AddDate(0, 0, -2))
}

// Maintain rolls the closed days up into daily aggregates, then deletes
// what the retention period has passed: raw events and feedback of days
// rolled up, per-search aggregates, search misses. Aggregates are kept.
func (s *Service) Maintain(ctx context.Context) error {
	now := s.now()
	days, err := s.store.RollUpUsage(ctx, ClosedDay(now))
	if err != nil {
		return err
	}
	cutoff := s.cutoff(now)
	purged, err := s.store.PurgeUsage(ctx, domain.ParisDay(cutoff))
	if err != nil {
		return err
	}
	misses, err := s.store.PurgeSearchMisses(ctx, cutoff)
	if err != nil {
		return err
	}
	if len(days) > 0 || purged > 0 || misses > 0 {
		s.log.InfoContext(ctx, "usage maintenance", "days_rolled_up", len(days), "rows_purged", purged, "search_misses_purged", misses,
			"retention_cutoff", cutoff.UTC().Format(time.RFC3339))
	}
	return nil
}

// RunMaintenance calls Maintain now and then every interval
// (DefaultMaintenanceEvery when 0) until ctx ends. Several replicas may run
// it: each day is rolled up once.
func (s *Service) RunMaintenance(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = DefaultMaintenanceEvery
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := s.Maintain(ctx); err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "usage maintenance", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
