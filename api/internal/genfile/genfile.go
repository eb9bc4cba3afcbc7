// Package genfile writes the generated data files of the api/cmd/gen*
// commands reproducibly: the same input gives the same bytes.
package genfile

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
)

// Compress gzips b with a fixed header (no name, no time), so that the
// same input gives the same bytes.
func Compress(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteAtomic replaces the file at path with b (mode 0644) through a
// temporary file in the same folder, so a reader never sees half a file.
func WriteAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".genfile-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
