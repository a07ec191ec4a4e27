package signature

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// oneByteReader returns its data a byte at a time, then (0, nil) once before
// io.EOF: a reader that does not end where a declared length says.
type oneByteReader struct {
	data    []byte
	stalled bool
}

func (r *oneByteReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		if !r.stalled {
			r.stalled = true
			return 0, nil
		}
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	p[0] = r.data[0]
	r.data = r.data[1:]
	return 1, nil
}

func TestReadBody(t *testing.T) {
	body := strings.Repeat("x", 100)
	for _, tc := range []struct {
		name    string
		r       io.Reader
		n, max  int64
		want    string
		wantErr error // nil: want body
		anyErr  bool
	}{
		{name: "declared length", r: strings.NewReader(body), n: 100, max: 1000, want: body},
		{name: "unknown length", r: strings.NewReader(body), n: -1, max: 1000, want: body},
		{name: "empty", r: strings.NewReader(""), n: 0, max: 1000, want: ""},
		{name: "exactly the limit", r: strings.NewReader(body), n: 100, max: 100, want: body},
		{name: "unknown length past the limit", r: strings.NewReader(body), n: -1, max: 99, wantErr: ErrTooLarge},
		{name: "declared past the limit", r: strings.NewReader(body), n: 100, max: 99, wantErr: ErrTooLarge},
		{name: "longer than declared: all of it is read", r: strings.NewReader(body), n: 10, max: 1000, want: body},
		{name: "longer than declared and past the limit", r: strings.NewReader(body), n: 10, max: 50, wantErr: ErrTooLarge},
		{name: "shorter than declared", r: strings.NewReader(body), n: 200, max: 1000, anyErr: true},
		{name: "reader without EOF at the declared end", r: &oneByteReader{data: []byte(body)}, n: 100, max: 1000, want: body},
		{name: "reader failing", r: iotest.ErrReader(errors.New("connection reset")), n: 10, max: 1000, anyErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readBody(tc.r, tc.n, tc.max)
			switch {
			case tc.wantErr != nil:
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
			case tc.anyErr:
				if err == nil || errors.Is(err, ErrTooLarge) {
					t.Fatalf("err = %v, want a read error", err)
				}
			default:
				if err != nil || string(got) != tc.want {
					t.Fatalf("readBody = %q, %v; want %q", got, err, tc.want)
				}
			}
		})
	}
}

// A body of declared length is read into one buffer: one allocation,
// whatever its size (io.ReadAll grows its buffer several times).
func TestReadBodyDeclaredLengthAllocatesOnce(t *testing.T) {
	data := []byte(strings.Repeat("x", 3000))
	rd := bytes.NewReader(data)
	allocs := testing.AllocsPerRun(100, func() {
		rd.Reset(data)
		if b, err := readBody(rd, int64(len(data)), 1<<20); err != nil || len(b) != len(data) {
			t.Fatal(len(b), err)
		}
	})
	if allocs != 1 {
		t.Errorf("%v allocations per read, want 1", allocs)
	}
}
