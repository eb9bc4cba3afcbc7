package importer

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// The JSON sources are read as streams: json.Decoder tokens down to the
// array of records, then one record at a time, so that memory does not grow
// with the file (the national v4 file is about 270 MB).

// jsonStream walks a JSON document and reports malformed input with its
// byte offset.
type jsonStream struct {
	dec *json.Decoder
}

func newJSONStream(r io.Reader) *jsonStream {
	return &jsonStream{dec: json.NewDecoder(r)}
}

func (s *jsonStream) fail(err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return &parseError{where: fmt.Sprintf("offset %d", s.dec.InputOffset()), err: err}
}

func (s *jsonStream) token() (json.Token, error) {
	tok, err := s.dec.Token()
	if err != nil {
		return nil, s.fail(err)
	}
	return tok, nil
}

// expect reads one token and checks it is the delimiter d.
func (s *jsonStream) expect(d json.Delim) error {
	tok, err := s.token()
	if err != nil {
		return err
	}
	if tok != d {
		return s.fail(fmt.Errorf("expected %q, found %v", d, tok))
	}
	return nil
}

// array calls fn with each element of the array whose '[' was just read.
func (s *jsonStream) array(fn func(json.RawMessage) error) error {
	for s.dec.More() {
		var raw json.RawMessage
		if err := s.dec.Decode(&raw); err != nil {
			return s.fail(err)
		}
		if err := fn(raw); err != nil {
			return err
		}
	}
	return s.expect(']')
}

// member reads the members of the object whose '{' was just read, calls
// fn with each element of the array member named key, and skips the others.
// It reports whether that member was found.
func (s *jsonStream) member(key string, fn func(json.RawMessage) error) (bool, error) {
	found := false
	for s.dec.More() {
		tok, err := s.token()
		if err != nil {
			return found, err
		}
		if tok != key {
			if err := skipValue(s.dec); err != nil {
				return found, s.fail(err)
			}
			continue
		}
		tok, err = s.token()
		if err != nil {
			return found, err
		}
		switch tok {
		case nil:
			found = true
			continue
		case json.Delim('['):
		default:
			return found, s.fail(fmt.Errorf("member %q is not an array", key))
		}
		found = true
		if err := s.array(fn); err != nil {
			return found, err
		}
	}
	return found, s.expect('}')
}

// end checks nothing but white space follows the document.
func (s *jsonStream) end() error {
	if _, err := s.dec.Token(); !errors.Is(err, io.EOF) {
		if err == nil {
			err = errors.New("unexpected data after the end of the document")
		}
		return s.fail(err)
	}
	return nil
}

// objectWithArray reads a whole document {…, key: […], …}.
func (s *jsonStream) objectWithArray(key string, fn func(json.RawMessage) error) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	found, err := s.member(key, fn)
	if err != nil {
		return err
	}
	if !found {
		return s.fail(fmt.Errorf("no %q member", key))
	}
	return s.end()
}

// skipValue skips the next value of dec, token by token, without holding it
// in memory.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}
