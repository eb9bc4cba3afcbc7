// Command scalegen fills a database with the synthetic national dataset of
// the load benchmark (see api/internal/scalegen): partners with their
// journeys, contact points over the real communes, 13 months of usage
// events, rolled up.
//
//	go run ./api/cmd/scalegen -db sqlite:data/scale.db -scale 1
//	go run ./api/cmd/scalegen -db postgres://postgres@127.0.0.1:5432/scale?sslmode=disable -scale 10
//
// The database is migrated first; the commons are loaded when missing.
// Run it on a database without the dataset (it creates the partners).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/geo"
	"github.com/aiguillage/aiguillage/api/internal/scalegen"
	"github.com/aiguillage/aiguillage/api/internal/store"
)

func main() {
	db := flag.String("db", "", "database URL (sqlite:PATH or postgres://…)")
	scale := flag.Float64("scale", 1, "scale factor: 1 = 10,000 contact points, 50 partners, 1,000,000 events")
	seed := flag.Uint64("seed", 1, "random seed")
	noRollUp := flag.Bool("no-rollup", false, "leave the closed days raw (no daily aggregates)")
	flag.Parse()
	if *db == "" {
		fmt.Fprintln(os.Stderr, "usage: scalegen -db URL [-scale N] [-seed S]")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *db, scalegen.Options{Scale: *scale, Seed: *seed, NoRollUp: *noRollUp,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))}); err != nil {
		fmt.Fprintln(os.Stderr, "scalegen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, url string, opt scalegen.Options) error {
	s, err := store.Open(ctx, url, store.Options{Logger: opt.Logger})
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		return err
	}
	ref, err := geo.Load()
	if err != nil {
		return err
	}
	st, err := scalegen.Generate(ctx, s, ref, opt)
	if err != nil {
		return err
	}
	fmt.Printf("%d partners, %d contact points, %d journeys (%s); %d events (%s); %d days rolled up (%s); total %s\n",
		st.Partners, st.ContactPoints, st.Journeys, (st.PartnersTime + st.ContactPointsTime).Round(time.Millisecond),
		st.Events, st.EventsTime.Round(time.Millisecond), st.DaysRolledUp, st.RollUpTime.Round(time.Millisecond), st.Total().Round(time.Millisecond))
	return nil
}
