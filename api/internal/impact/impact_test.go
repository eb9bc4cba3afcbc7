package impact_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiguillage/aiguillage/api/internal/domain"
	"github.com/aiguillage/aiguillage/api/internal/impact"
)

// fakeStore keeps written events in memory; its writes fail while down,
// and it refuses events of the refused session.
type fakeStore struct {
	impact.Store // not implemented: panics if called
	mu           sync.Mutex
	events       []domain.UsageEvent
	batches      int
	down         bool
	refused      string
	delay        time.Duration
	feedback     []*domain.Feedback
	outcomes     map[string]*domain.OutcomeRef
}

var varOrg = &domain.Organisation{ID: "org-var", Slug: "var", Name: "Département du Var",
	EntryPoints: []domain.EntryPoint{{Slug: "logement", Name: "Logement"}}}

func (f *fakeStore) FindOrganisationBySlug(_ context.Context, slug string) (*domain.Organisation, error) {
	if slug == varOrg.Slug {
		return varOrg, nil
	}
	return nil, domain.Errorf(domain.ENOTFOUND, "Organisation introuvable.")
}

func (f *fakeStore) InsertUsageEvents(ctx context.Context, events []domain.UsageEvent) error {
	f.mu.Lock()
	down, delay := f.down, f.delay
	f.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if down {
		return errors.New("connection refused")
	}
	for _, e := range events {
		if e.SessionID == f.refused {
			return errors.New("foreign key violated")
		}
	}
	f.events = append(f.events, events...)
	f.batches++
	return nil
}

func (f *fakeStore) Ping(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return errors.New("connection refused")
	}
	return nil
}

func (f *fakeStore) CreateFeedback(_ context.Context, fb *domain.Feedback) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.feedback = append(f.feedback, fb)
	return nil
}

func (f *fakeStore) FindOutcome(_ context.Context, id string) (*domain.OutcomeRef, error) {
	if o, ok := f.outcomes[id]; ok {
		return o, nil
	}
	return nil, domain.Errorf(domain.ENOTFOUND, "Issue introuvable.")
}

func (f *fakeStore) set(fn func(*fakeStore)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func (f *fakeStore) written() (int, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.events), f.batches
}

var now = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

func newService(t *testing.T, st *fakeStore, o impact.Options) *impact.Service {
	t.Helper()
	o.Store, o.Logger, o.Now = st, slog.New(slog.DiscardHandler), func() time.Time { return now }
	if o.FlushEvery == 0 {
		o.FlushEvery = 10 * time.Millisecond
	}
	svc := impact.New(o)
	t.Cleanup(func() { _ = svc.Close(context.Background()) })
	return svc
}

func batch(session string, n int) impact.EventBatch {
	b := impact.EventBatch{Partner: "var", Entry: "logement", Session: session}
	for range n {
		b.Events = append(b.Events, impact.Event{Type: "search", Query: "loyer", Results: new(int)})
	}
	return b
}

func TestRecordEventsValidation(t *testing.T) {
	id := "6f1c7a52-3d0e-4b8e-9a43-2f5d0c9e7b11"
	yes, bad := true, -1
	long := strings.Repeat("a", 501)
	tests := []struct {
		name      string
		batch     impact.EventBatch
		wantCode  string
		wantField string
		want      []domain.UsageEvent // Type, Day and the fields set
	}{
		{name: "no partner", batch: impact.EventBatch{Session: "abcdefghijklmnop", Events: []impact.Event{{Type: "loaded"}}}, wantCode: domain.EINVALID, wantField: "partner"},
		{name: "unknown partner", batch: impact.EventBatch{Partner: "nulle-part", Session: "abcdefghijklmnop", Events: []impact.Event{{Type: "loaded"}}}, wantCode: domain.ENOTFOUND},
		{name: "unknown entry point", batch: impact.EventBatch{Partner: "var", Entry: "sport", Session: "abcdefghijklmnop", Events: []impact.Event{{Type: "loaded"}}}, wantCode: domain.ENOTFOUND},
		{name: "short session", batch: impact.EventBatch{Partner: "var", Session: "abc", Events: []impact.Event{{Type: "loaded"}}}, wantCode: domain.EINVALID, wantField: "session"},
		{name: "session with a dot", batch: impact.EventBatch{Partner: "var", Session: "abcdefgh.ijklmnop", Events: []impact.Event{{Type: "loaded"}}}, wantCode: domain.EINVALID, wantField: "session"},
		{name: "no event", batch: impact.EventBatch{Partner: "var", Session: "abcdefghijklmnop"}, wantCode: domain.EINVALID, wantField: "events"},
		{name: "too many events", batch: batch("abcdefghijklmnop", 51), wantCode: domain.EINVALID, wantField: "events"},
		{name: "unknown type", batch: impact.EventBatch{Partner: "var", Session: "abcdefghijklmnop", Events: []impact.Event{{Type: "shown"}}}, wantCode: domain.EINVALID, wantField: "events[0].type"},
		{name: "step without journey", batch: impact.EventBatch{Partner: "var", Session: "abcdefghijklmnop", Events: []impact.Event{{Type: "step", Step: "besoin"}}}, wantCode: domain.EINVALID, wantField: "events[0].journey"},
		{name: "contact without channel", batch: impact.EventBatch{Partner: "var", Session: "abcdefghijklmnop", Events: []impact.Event{{Type: "contact"}}}, wantCode: domain.EINVALID, wantField: "events[0].channel"},
		{name: "unknown channel", batch: impact.EventBatch{Partner: "var", Session: "abcdefghijklmnop", Events: []impact.Event{{Type: "contact", Channel: "fax"}}}, wantCode: domain.EINVALID, wantField: "events[0].channel"},
		{name: "bad outcome id", batch: impact.EventBatch{Partner: "var", Session: "abcdefghijklmnop", Events: []impact.Event{{Type: "outcome", Outcome: "42"}}}, wantCode: domain.EINVALID, wantField: "events[0].outcome"},
		{name: "bad contact point in a list", batch: impact.EventBatch{Partner: "var", Session: "abcdefghijklmnop", Events: []impact.Event{{Type: "outcome", ContactPoints: []string{id, "x"}}}}, wantCode: domain.EINVALID, wantField: "events[0].contact_points[1]"},
		{name: "negative results", batch: impact.EventBatch{Partner: "var", Session: "abcdefghijklmnop", Events: []impact.Event{{Type: "search", Results: &bad}}}, wantCode: domain.EINVALID, wantField: "events[0].results"},
		{name: "query too long", batch: impact.EventBatch{Partner: "var", Session: "abcdefghijklmnop", Events: []impact.Event{{Type: "search", Query: long}}}, wantCode: domain.EINVALID, wantField: "events[0].query"},
		{name: "a whole session", batch: impact.EventBatch{Partner: "var", Entry: "logement", Session: "abcdefghijklmnop", Events: []impact.Event{
			{Type: "loaded", At: now.Add(-48 * time.Hour)},
			{Type: "search", Query: "Je m'appelle Jean Dupont, mon loyer", Results: new(int), Answered: &yes, Channel: "phone"},
			{Type: "step", Journey: "logement-loyer", Step: "situation", Answered: &yes, Query: "ignorée"},
			{Type: "outcome", Journey: "logement-loyer", Step: "caf", Outcome: id, ContactPoint: id, ContactPoints: []string{id, "00000000-0000-0000-0000-000000000001"}},
			{Type: "contact", ContactPoint: id, Channel: "phone", At: now.Add(48 * time.Hour)},
		}}, want: []domain.UsageEvent{
			{Type: "loaded", At: now.Add(-24 * time.Hour), Day: "2026-11-26"},
			{Type: "search", At: now, Day: "2026-11-27", Query: "je m'appelle [nom], mon loyer", Results: new(int)},
			{Type: "step", At: now, Day: "2026-11-27", Journey: "logement-loyer", Step: "situation", Answered: true},
			{Type: "outcome", At: now, Day: "2026-11-27", Journey: "logement-loyer", Step: "caf", OutcomeID: id},
			{Type: "shown", At: now, Day: "2026-11-27", Journey: "logement-loyer", Step: "caf", OutcomeID: id, ContactPointID: "00000000-0000-0000-0000-000000000001"},
			{Type: "shown", At: now, Day: "2026-11-27", Journey: "logement-loyer", Step: "caf", OutcomeID: id, ContactPointID: id},
			{Type: "contact", At: now.Add(24 * time.Hour), Day: "2026-11-28", ContactPointID: id, Channel: "phone"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &fakeStore{}
			svc := newService(t, st, impact.Options{})
			n, err := svc.RecordEvents(context.Background(), tt.batch)
			if tt.wantCode != "" {
				if domain.ErrorCode(err) != tt.wantCode {
					t.Fatalf("err = %v, want code %s", err, tt.wantCode)
				}
				var de *domain.Error
				if tt.wantField != "" && (!errors.As(err, &de) || len(de.Fields) == 0 || de.Fields[0].Field != tt.wantField) {
					t.Fatalf("err = %+v, want field %s", err, tt.wantField)
				}
				if svc.Pending() != 0 {
					t.Fatalf("%d events kept from a refused batch", svc.Pending())
				}
				return
			}
			if err != nil || n != len(tt.batch.Events) {
				t.Fatalf("record = %d, %v", n, err)
			}
			if err := svc.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			if len(st.events) != len(tt.want) {
				t.Fatalf("stored %d events, want %d: %+v", len(st.events), len(tt.want), st.events)
			}
			for i, got := range st.events {
				want := tt.want[i]
				want.OrganisationID, want.Entry, want.SessionID = varOrg.ID, "logement", "abcdefghijklmnop"
				if got.Results != nil && want.Results != nil && *got.Results == *want.Results {
					got.Results, want.Results = nil, nil
				}
				if !got.At.Equal(want.At) {
					t.Errorf("event %d at %v, want %v", i, got.At, want.At)
				}
				got.At, want.At = time.Time{}, time.Time{}
				if got != want {
					t.Errorf("event %d:\n got  %+v\n want %+v", i, got, want)
				}
			}
		})
	}
}

// TestBufferFullAnswersUnavailable: a batch that does not fit is refused
// whole, and the service says how long to wait.
func TestBufferFullAnswersUnavailable(t *testing.T) {
	st := &fakeStore{down: true}
	svc := newService(t, st, impact.Options{BufferSize: 100, FlushEvery: time.Hour})
	ctx := context.Background()
	if _, err := svc.RecordEvents(ctx, batch("session-aaaaaaaaaaaa", 50)); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RecordEvents(ctx, batch("session-bbbbbbbbbbbb", 50)); err != nil {
		t.Fatal(err)
	}
	_, err := svc.RecordEvents(ctx, batch("session-cccccccccccc", 1))
	if domain.ErrorCode(err) != domain.EUNAVAILABLE {
		t.Fatalf("full buffer: %v, want unavailable", err)
	}
	if svc.Pending() != 100 || svc.RetryAfter() != impact.RetryAfter {
		t.Fatalf("pending %d, retry after %v", svc.Pending(), svc.RetryAfter())
	}
	// The database comes back: everything is written, the buffer takes
	// events again.
	st.set(func(f *fakeStore) { f.down = false })
	if err := svc.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.written(); n != 100 {
		t.Fatalf("written %d, want 100", n)
	}
	if _, err := svc.RecordEvents(ctx, batch("session-dddddddddddd", 1)); domain.ErrorCode(err) != domain.EUNAVAILABLE {
		t.Fatalf("after Close: %v, want unavailable", err)
	}
}

// TestWriterRetriesWithoutLossOrDuplicate: writes fail for a while; every
// accepted event is written once.
func TestWriterRetriesWithoutLossOrDuplicate(t *testing.T) {
	st := &fakeStore{down: true}
	svc := newService(t, st, impact.Options{BatchSize: 7})
	ctx := context.Background()
	for i := range 20 {
		if _, err := svc.RecordEvents(ctx, batch("session-"+strings.Repeat(string(rune('a'+i)), 12), 5)); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(100 * time.Millisecond)
	if n, _ := st.written(); n != 0 || svc.RetryAfter() != impact.RetryAfterFailing {
		t.Fatalf("written %d while down, retry after %v", n, svc.RetryAfter())
	}
	st.set(func(f *fakeStore) { f.down = false })
	deadline := time.Now().Add(5 * time.Second)
	for svc.Pending() > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	n, batches := st.written()
	if n != 100 || svc.Pending() != 0 {
		t.Fatalf("written %d, pending %d; want 100 and 0", n, svc.Pending())
	}
	if batches < 100/7 {
		t.Fatalf("%d transactions for 100 events in batches of 7", batches)
	}
}

// TestRefusedEventDropped: the database answers but refuses one event:
// the others of its batch are written.
func TestRefusedEventDropped(t *testing.T) {
	st := &fakeStore{refused: "session-bad-aaaaaaaa"}
	svc := newService(t, st, impact.Options{FlushEvery: time.Hour})
	ctx := context.Background()
	for _, s := range []string{"session-ok1-aaaaaaaa", "session-bad-aaaaaaaa", "session-ok2-aaaaaaaa"} {
		if _, err := svc.RecordEvents(ctx, batch(s, 2)); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.written(); n != 4 {
		t.Fatalf("written %d, want the 4 good ones", n)
	}
}

// TestCloseGivesUp: with the database down, Close returns when its context
// ends and says how many events were not written.
func TestCloseGivesUp(t *testing.T) {
	st := &fakeStore{down: true}
	svc := newService(t, st, impact.Options{})
	if _, err := svc.RecordEvents(context.Background(), batch("session-aaaaaaaaaaaa", 3)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	err := svc.Close(ctx)
	if err == nil || !strings.Contains(err.Error(), "3 not written") {
		t.Fatalf("close = %v", err)
	}
}

func TestRecordFeedback(t *testing.T) {
	outcome := "6f1c7a52-3d0e-4b8e-9a43-2f5d0c9e7b11"
	other := "6f1c7a52-3d0e-4b8e-9a43-2f5d0c9e7b12"
	yes := true
	tests := []struct {
		name      string
		in        impact.FeedbackInput
		wantCode  string
		wantField string
		check     func(t *testing.T, f *domain.Feedback)
	}{
		{name: "useful missing", in: impact.FeedbackInput{Partner: "var"}, wantCode: domain.EINVALID, wantField: "useful"},
		{name: "no partner", in: impact.FeedbackInput{Useful: &yes}, wantCode: domain.EINVALID, wantField: "partner"},
		{name: "comment too long", in: impact.FeedbackInput{Partner: "var", Useful: &yes, Comment: strings.Repeat("é", 1001)}, wantCode: domain.EINVALID, wantField: "comment"},
		{name: "looking for too long", in: impact.FeedbackInput{Partner: "var", Useful: &yes, LookingFor: strings.Repeat("a", 301)}, wantCode: domain.EINVALID, wantField: "looking_for"},
		{name: "unknown partner", in: impact.FeedbackInput{Partner: "nulle-part", Useful: &yes}, wantCode: domain.ENOTFOUND},
		{name: "unknown outcome", in: impact.FeedbackInput{Partner: "var", Useful: &yes, Outcome: "00000000-0000-0000-0000-000000000000"}, wantCode: domain.ENOTFOUND},
		{name: "outcome of another partner", in: impact.FeedbackInput{Partner: "var", Useful: &yes, Outcome: other}, wantCode: domain.ENOTFOUND},
		{name: "scrubbed", in: impact.FeedbackInput{Partner: "var", Entry: "logement", Useful: &yes, Outcome: outcome,
			Query: "  Mon LOYER impayé ?", Comment: "Merci !\nRappelez-moi au 06 12 34 56 78, je m'appelle Jean Dupont.",
			LookingFor: "l'adresse exacte : 12 rue des Lilas"},
			check: func(t *testing.T, f *domain.Feedback) {
				if f.Query != "mon loyer impayé" || f.Comment != "Merci ! Rappelez-moi au [téléphone], je m'appelle [nom]." ||
					f.LookingFor != "l'adresse exacte : [nombre] rue [adresse]" || f.Journey != "logement-loyer" || f.Step != "caf" || !f.Useful {
					t.Fatalf("stored %+v", f)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &fakeStore{outcomes: map[string]*domain.OutcomeRef{
				outcome: {ID: outcome, OrganisationID: varOrg.ID, Slug: "logement-loyer", StepID: "caf"},
				other:   {ID: other, OrganisationID: "org-lille", Slug: "demarches", StepID: "mairie"},
			}}
			svc := newService(t, st, impact.Options{})
			f, err := svc.RecordFeedback(context.Background(), tt.in)
			if tt.wantCode != "" {
				var de *domain.Error
				if domain.ErrorCode(err) != tt.wantCode || (tt.wantField != "" && (!errors.As(err, &de) || de.Fields[0].Field != tt.wantField)) {
					t.Fatalf("err = %+v, want %s on %q", err, tt.wantCode, tt.wantField)
				}
				if len(st.feedback) != 0 {
					t.Fatal("refused feedback stored")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, f)
		})
	}
}

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		from, to   string
		days       int
		want       impact.Period
		wantFields string
	}{
		{"", "", 30, impact.Period{From: "2026-10-29", To: "2026-11-27"}, ""},
		{"2026-01-01", "", 30, impact.Period{From: "2026-01-01", To: "2026-11-27"}, ""},
		{"", "2026-02-28", 7, impact.Period{From: "2026-02-22", To: "2026-02-28"}, ""},
		{"2026-02-01", "2026-01-01", 30, impact.Period{}, "to"},
		{"2020-01-01", "2026-01-01", 30, impact.Period{}, "from"},
		{"01/02/2026", "", 30, impact.Period{}, "from"},
		{"", "", 0, impact.Period{}, ""},
		{"2026-02-01", "2026-01-01", 0, impact.Period{}, "to"},
	}
	for _, tt := range tests {
		got, err := impact.ParsePeriod(tt.from, tt.to, now, tt.days)
		var de *domain.Error
		switch {
		case tt.wantFields == "" && (err != nil || got != tt.want):
			t.Errorf("ParsePeriod(%q, %q, %d) = %+v, %v; want %+v", tt.from, tt.to, tt.days, got, err, tt.want)
		case tt.wantFields != "" && (!errors.As(err, &de) || de.Fields[0].Field != tt.wantFields):
			t.Errorf("ParsePeriod(%q, %q, %d): %v, want an error on %s", tt.from, tt.to, tt.days, err, tt.wantFields)
		}
	}
}

func TestClosedDay(t *testing.T) {
	for _, tt := range []struct {
		now  time.Time
		want string
	}{
		{time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC), "2026-11-25"},
		// 23:30 UTC on the 27th is already the 28th in Paris.
		{time.Date(2026, 11, 27, 23, 30, 0, 0, time.UTC), "2026-11-26"},
	} {
		if got := impact.ClosedDay(tt.now); got != tt.want {
			t.Errorf("ClosedDay(%v) = %s, want %s", tt.now, got, tt.want)
		}
	}
}
