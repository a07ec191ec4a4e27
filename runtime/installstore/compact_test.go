package installstore

import (
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// full returns an installation with every string field and both scope
// lists set to distinct values (found by reflection, so that a field added
// later is covered too).
func full() *Installation {
	inst := &Installation{InstalledAt: time.Unix(1700000000, 0).UTC(), BotTokenExpiresAt: time.Unix(1700003600, 0).UTC(), IsEnterpriseInstall: true}
	v := reflect.ValueOf(inst).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			// strings.Clone: each its own allocation, as a store returns them
			f.SetString(strings.Clone(fmt.Sprintf("%s-value-%d", v.Type().Field(i).Name, i)))
		case reflect.Slice:
			f.Set(reflect.ValueOf([]string{strings.Clone("chat:write"), strings.Clone(v.Type().Field(i).Name), strings.Clone("commands")}))
		}
	}
	return inst
}

func TestCompactEqualsAndIsIndependent(t *testing.T) {
	cases := map[string]*Installation{
		"every field":                       full(),
		"nil scopes":                        {TeamID: "T1", BotToken: "xoxb-1"},
		"empty bot scopes, nil user scopes": {TeamID: "T1", BotScopes: []string{}},
		"nil bot scopes, user scopes":       {TeamID: "T1", UserID: "U1", UserScopes: []string{"search:read", ""}},
		"nothing":                           {},
	}
	for name, inst := range cases {
		t.Run(name, func(t *testing.T) {
			orig := inst.Clone()
			c := inst.Compact()
			if !reflect.DeepEqual(c, orig) {
				t.Fatalf("Compact changed the installation:\n got %#v\nwant %#v", c, orig)
			}
			if len(c.BotScopes) > 0 {
				c.BotScopes[0] = "changed"
				c.BotScopes = append(c.BotScopes, "appended")
				if len(c.UserScopes) > 0 && c.UserScopes[0] == "appended" {
					t.Fatal("appending to the compact BotScopes overwrote its UserScopes")
				}
			}
			if !reflect.DeepEqual(inst, orig) {
				t.Fatal("changing the compact copy changed the original")
			}
		})
	}
	if (*Installation)(nil).Compact() != nil {
		t.Fatal("nil.Compact() != nil")
	}
}

// TestCompactCoversEveryString fails when a string field is added to
// Installation but not to stringFields: every string of the copy must lie in
// one allocation.
func TestCompactCoversEveryString(t *testing.T) {
	c := full().Compact()
	var strs []string
	v := reflect.ValueOf(c).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.String:
			strs = append(strs, f.String())
		case reflect.Slice:
			strs = append(strs, f.Interface().([]string)...)
		}
	}
	total := 0
	for _, s := range strs {
		total += len(s)
	}
	lo := slices.MinFunc(strs, func(a, b string) int {
		return int(uintptr(unsafe.Pointer(unsafe.StringData(a))) - uintptr(unsafe.Pointer(unsafe.StringData(b))))
	})
	base := uintptr(unsafe.Pointer(unsafe.StringData(lo)))
	for i := range v.NumField() {
		f := v.Field(i)
		if f.Kind() != reflect.String {
			continue
		}
		p := uintptr(unsafe.Pointer(unsafe.StringData(f.String())))
		if p < base || p+uintptr(f.Len()) > base+uintptr(total) {
			t.Errorf("field %s is not in the shared allocation: add it to stringFields", v.Type().Field(i).Name)
		}
	}
}

// TestCompactHeapObjects: a compact installation is three heap objects
// (the struct, the strings, the scopes) where one read from a store is one
// per string.
func TestCompactHeapObjects(t *testing.T) {
	const n = 2000
	src := make([]*Installation, n)
	for i := range src {
		src[i] = full()
	}
	objects := func(build func(*Installation) *Installation) float64 {
		kept := make([]*Installation, n)
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for i, inst := range src {
			kept[i] = build(inst)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(kept)
		runtime.KeepAlive(src) // the originals stay live: only the copies are counted
		return (float64(after.HeapObjects) - float64(before.HeapObjects)) / n
	}
	deep := func(inst *Installation) *Installation { // what a store returns: every string its own
		c := inst.Clone()
		for _, p := range c.stringFields() {
			*p = strings.Clone(*p)
		}
		for i := range c.BotScopes {
			c.BotScopes[i] = strings.Clone(c.BotScopes[i])
		}
		return c
	}
	if got := objects(deep); got < 20 {
		t.Fatalf("the uncompacted baseline keeps %.1f objects per installation; the test no longer measures what it should", got)
	}
	if got := objects((*Installation).Compact); got > 3.2 {
		t.Fatalf("a compact installation keeps %.1f heap objects, want 3", got)
	}
}

func BenchmarkCompact(b *testing.B) {
	inst := full()
	b.ReportAllocs()
	for b.Loop() {
		_ = inst.Compact()
	}
}
