package main

import (
	"os"
	"runtime/pprof"
)

var profile *os.File

// startCPUProfile starts the CPU profile once, when asked (path not empty).
func startCPUProfile(path string) error {
	if path == "" || profile != nil {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return err
	}
	profile = f
	return nil
}

func stopCPUProfile() {
	if profile != nil {
		pprof.StopCPUProfile()
		profile.Close()
		profile = nil
	}
}
