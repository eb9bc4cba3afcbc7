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
	err := app.Run(ctx, os.Args, os.Getenv, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "aiguillage:", err)
		os.Exit(1)
	}
}
