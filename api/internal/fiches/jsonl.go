package fiches

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// maxLine bounds one JSON Lines record (the largest fiche takes a few kB).
const maxLine = 4 << 20

// WriteJSONL writes the fiches as JSON Lines: one compact domain.Fiche per
// line, empty fields left out.
func WriteJSONL(w io.Writer, fiches []*domain.Fiche) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, f := range fiches {
		if err := enc.Encode(f); err != nil {
			return fmt.Errorf("write fiche %s: %w", f.ID, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write fiches: %w", err)
	}
	return nil
}

// ReadJSONL reads JSON Lines of domain.Fiche, in order. Blank lines are
// ignored. A line that is not a valid fiche yields an error naming the
// line, and ends the sequence.
func ReadJSONL(r io.Reader) iter.Seq2[*domain.Fiche, error] {
	return func(yield func(*domain.Fiche, error) bool) {
		br := bufio.NewReaderSize(r, 64<<10)
		for line := 1; ; line++ {
			b, err := readLine(br)
			if errors.Is(err, io.EOF) && len(b) == 0 {
				return
			}
			if err != nil && !errors.Is(err, io.EOF) {
				yield(nil, fmt.Errorf("fiches: line %d: %w", line, err))
				return
			}
			if len(bytes.TrimSpace(b)) == 0 {
				continue
			}
			f := new(domain.Fiche)
			if err := json.Unmarshal(b, f); err != nil {
				yield(nil, fmt.Errorf("fiches: line %d: %w", line, err))
				return
			}
			if err := f.Validate(); err != nil {
				yield(nil, fmt.Errorf("fiches: line %d: fiche %s: %w", line, f.ID, err))
				return
			}
			if !yield(f, nil) {
				return
			}
		}
	}
}

// readLine returns the next line without its end, at most maxLine bytes.
func readLine(br *bufio.Reader) ([]byte, error) {
	var buf []byte
	for {
		part, err := br.ReadSlice('\n')
		buf = append(buf, part...)
		if len(buf) > maxLine {
			return nil, fmt.Errorf("line longer than %d bytes", maxLine)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return bytes.TrimRight(buf, "\r\n"), err
	}
}
