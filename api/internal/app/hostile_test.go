package app_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/app"
)

// TestSlowClients starts the server as `aiguillage serve` does and plays
// slowloris on it over raw TCP: a client sending its headers byte by byte
// is cut off once the header read timeout (5 s) has passed, and headers
// past the size limit (32 KiB) are refused with 431, while the server
// keeps answering others.
func TestSlowClients(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the header read timeout")
	}
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "aiguillage.db")
	env := func(k string) string {
		switch k {
		case "AIGUILLAGE_DATABASE_URL":
			return dbURL
		case "AIGUILLAGE_ADDR":
			return "127.0.0.1:0"
		case "AIGUILLAGE_LOG_LEVEL":
			return "error"
		case "AIGUILLAGE_SHUTDOWN_DRAIN":
			return "0s"
		}
		return ""
	}
	ctx, stop := context.WithCancel(context.Background())
	var out syncBuffer
	if err := app.Run(ctx, []string{"aiguillage", "migrate"}, env, &out); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out.String())
	}
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx, []string{"aiguillage", "serve"}, env, &out) }()
	t.Cleanup(func() { stop(); <-done })
	var base string
	for deadline := time.Now().Add(30 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := listening.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("server did not start:\n%s", out.String())
	}
	addr := strings.TrimPrefix(base, "http://")

	t.Run("headers byte by byte", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		start := time.Now()
		cut := make(chan time.Duration, 1)
		go func() {
			// The server answers nothing and closes (or answers 408).
			_, _ = io.Copy(io.Discard, conn)
			cut <- time.Since(start)
		}()
		req := "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + strings.Repeat("a", 1000)
		for i := 0; i < len(req); i++ {
			if _, err := conn.Write([]byte{req[i]}); err != nil {
				break // cut off
			}
			select {
			case d := <-cut:
				if d < 4*time.Second {
					t.Fatalf("cut off after %v, before the timeout", d)
				}
				return
			case <-time.After(200 * time.Millisecond):
			}
			if time.Since(start) > 12*time.Second {
				t.Fatal("a client sending its headers byte by byte still holds its connection after 12 s")
			}
		}
		select {
		case d := <-cut:
			if d > 12*time.Second {
				t.Fatalf("cut off after %v", d)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("not cut off")
		}
	})

	t.Run("oversized headers", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		go func() {
			_, _ = conn.Write([]byte("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 64<<10) + "\r\n\r\n"))
		}()
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Fatalf("status %d, want 431", resp.StatusCode)
		}
	})

	t.Run("others still served", func(t *testing.T) {
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("healthz: %d", resp.StatusCode)
		}
	})
}
