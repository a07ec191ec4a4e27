package manifest

import (
	"strings"
	"testing"
	"time"
)

// TestAliasBomb: a document whose aliases expand exponentially is checked
// and exported in bounded time.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("display_information:\n  name: x\ntypes:\n")
	// A chain where each level references the previous one twice.
	b.WriteString("  l0: &l0 [x, x]\n")
	for i := 1; i < 30; i++ {
		b.WriteString("  l" + itoa(i) + ": &l" + itoa(i) + " [*l" + itoa(i-1) + ", *l" + itoa(i-1) + "]\n")
	}
	start := time.Now()
	m, err := Parse("bomb.yaml", []byte(b.String()))
	if err != nil {
		return // rejected by the YAML decoder: fine
	}
	_ = m.Validate()
	if _, err := m.Marshal(JSON); err == nil || !strings.Contains(err.Error(), "aliases expand to more than") {
		t.Errorf("Marshal(JSON) error = %v, want the alias expansion limit", err)
	}
	// Exponential work would take hours; bounded work takes well under a
	// second (the margin is for loaded machines and -race).
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("took %v", d)
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
