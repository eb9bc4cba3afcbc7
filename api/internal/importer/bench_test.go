package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkImportNationalCSV imports the flattened 2017 national CSV
// (20 786 offices) into a store that discards what it receives: parsing,
// mapping, coverage and validation, without database.
//
//	go test ./api/internal/importer -run '^$' -bench ImportNationalCSV -benchmem
func BenchmarkImportNationalCSV(b *testing.B) {
	data := readFile(b, nationalCSV)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		store := &discardStore{}
		st, err := Import(b.Context(), bytes.NewReader(data), FormatV1CSV, "national.csv", testOptions(store))
		if err != nil || st.Created != 20784 {
			b.Fatalf("stats %+v, err %v", st, err)
		}
	}
}

// BenchmarkImportV4Bulk imports 10 000 copies of the v4 sample record.
func BenchmarkImportV4Bulk(b *testing.B) {
	const n = 10000
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, newBulkGenerator(b, n)); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		st, err := Import(b.Context(), bytes.NewReader(data), FormatV4Bulk, "bulk.json", testOptions(&discardStore{}))
		if err != nil || st.Created != n {
			b.Fatalf("stats %+v, err %v", st, err)
		}
	}
}

// bulkGenerator streams {"_comment": …, "service": [ n records ]}, each a
// copy of the v4 sample record with its own identifiers.
type bulkGenerator struct {
	record     map[string]any
	n, i       int
	buf        bytes.Buffer
	head, tail bool
}

func newBulkGenerator(tb testing.TB, n int) *bulkGenerator {
	var doc struct{ Service []map[string]any }
	if err := json.Unmarshal(readFile(tb, v4Sample), &doc); err != nil {
		tb.Fatal(err)
	}
	return &bulkGenerator{record: doc.Service[0], n: n}
}

func (g *bulkGenerator) Read(p []byte) (int, error) {
	for g.buf.Len() == 0 {
		switch {
		case !g.head:
			g.head = true
			g.buf.WriteString(`{"_comment": "generated", "service": [`)
		case g.i < g.n:
			if g.i > 0 {
				g.buf.WriteByte(',')
			}
			g.record["id"] = fmt.Sprintf("00000000-0000-4000-8000-%012d", g.i)
			g.record["ancien_code_pivot"] = fmt.Sprintf("mairie-77188-%06d", g.i)
			b, _ := json.Marshal(g.record)
			g.buf.Write(b)
			g.i++
		case !g.tail:
			g.tail = true
			g.buf.WriteString("]}")
		default:
			return 0, io.EOF
		}
	}
	return g.buf.Read(p)
}

// TestV4BulkStreamsInBoundedMemory imports a generated bulk file the size
// of the national one (about 100 000 records, 300 MB) and checks the heap
// stays small: the file is streamed, never held whole.
func TestV4BulkStreamsInBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 300 MB")
	}
	const n = 100000
	gen := newBulkGenerator(t, n)
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	counted := &countingReader{r: gen}
	start := time.Now()
	st, err := Import(t.Context(), counted, FormatV4Bulk, "2026-11-20_000000-data.gouv_local.json", testOptions(&discardStore{}))
	elapsed := time.Since(start)
	close(stop)
	<-sampled
	if err != nil || st.Created != n {
		t.Fatalf("stats %+v, err %v", st, err)
	}
	t.Logf("%d records, %d MB in %v (%.0f MB/s), peak heap %d MB", n, counted.n>>20, elapsed.Round(time.Millisecond),
		float64(counted.n)/(1<<20)/elapsed.Seconds(), peak.Load()>>20)
	if peak.Load() > 256<<20 {
		t.Errorf("peak heap %d MB: the file is not streamed", peak.Load()>>20)
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
