// Package benchenv describes the machine a benchmark ran on, for the
// reports of loadbench, soak and importbench.
package benchenv

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
)

// Machine is the OS, architecture, CPU count and CPU model.
func Machine() string {
	model := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	return strings.TrimSpace(fmt.Sprintf("%s/%s, %d CPUs %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), model))
}

// Commit is `git describe --always --dirty` of the working directory, or
// "unknown".
func Commit() string {
	out, err := exec.Command("git", "describe", "--always", "--dirty").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

// LoadAverage is the 1, 5 and 15 minute load averages, or "unknown".
func LoadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// Or returns the environment variable k, or def when it is unset or empty.
func Or(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
