// Command mockoidc runs a local OpenID Connect provider for the widget's
// end-to-end tests (widget/e2e/run.mjs): github.com/oauth2-proxy/mockoidc on
// a loopback port, so that the agent mode's sign-in with ProConnect runs for
// real (popup, PKCE, state, nonce, ID token, userinfo) without the network.
// Every sign-in is the user of -email (a demo account, whose address is
// verified). It prints its settings as one JSON line on stdout, then serves
// until it is interrupted or its standard input is closed.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/oauth2-proxy/mockoidc"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "mockoidc:", err)
		os.Exit(1)
	}
}

// Settings are what the Aiguillage server needs (AIGUILLAGE_PROCONNECT_*).
type Settings struct {
	Issuer       string `json:"issuer"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("mockoidc", flag.ContinueOnError)
	email := fs.String("email", "", "address of the user every sign-in is (required)")
	subject := fs.String("subject", "e2e-agent", "subject (sub) of that user")
	logins := fs.Int("logins", 100, "how many sign-ins the provider answers")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" {
		return errors.New("-email is required")
	}
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		return fmt.Errorf("new provider: %w", err)
	}
	for range *logins {
		m.QueueUser(&mockoidc.MockUser{Subject: *subject, Email: *email, EmailVerified: true})
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if err := m.Start(ln, nil); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	defer func() { _ = m.Shutdown() }()
	cfg := m.Config()
	if err := json.NewEncoder(stdout).Encode(Settings{Issuer: cfg.Issuer, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret}); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	closed := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, stdin)
		close(closed)
	}()
	select {
	case <-ctx.Done():
	case <-closed:
	}
	return nil
}
