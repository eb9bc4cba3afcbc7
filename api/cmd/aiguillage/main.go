// Command aiguillage serves the Aiguillage API and manages its data.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // opening hours are in Europe/Paris, wherever the server runs

	"github.com/aiguillage/aiguillage/api/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first signal starts a graceful shutdown (drain, in-flight
	// requests, usage events); a second one stops the process at once.
	go func() { <-ctx.Done(); stop() }()
	err := app.Run(ctx, os.Args, os.Getenv, os.Stdout, app.WithEnviron(os.Environ()))
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "aiguillage:", err)
		os.Exit(1)
	}
}
