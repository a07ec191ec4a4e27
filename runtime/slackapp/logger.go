package slackapp

import (
	"context"
	"log/slog"
)

// tagged returns a logger that adds attrs to every record it logs. Unlike
// slog.Logger.With, it costs nothing up front (no pre-formatting by the
// handler), which matters on the request path where most tagged loggers
// never log.
func (a *App) tagged(attrs ...slog.Attr) *slog.Logger {
	return a.tagInto(new(slog.Logger), new(lazyAttrs), attrs)
}

// tagInto is tagged in storage the caller provides (a struct allocated
// once for a whole request), and returns l.
func (a *App) tagInto(l *slog.Logger, h *lazyAttrs, attrs []slog.Attr) *slog.Logger {
	*h = lazyAttrs{next: a.log.Handler(), attrs: attrs}
	*l = *slog.New(h)
	return l
}

// tagFrom is tagInto with attributes computed from src when a record is
// logged: nothing is stored for them up front.
func (a *App) tagFrom(l *slog.Logger, h *lazyAttrs, src attrSource) *slog.Logger {
	*h = lazyAttrs{next: a.log.Handler(), src: src}
	*l = *slog.New(h)
	return l
}

// attrSource computes a tagged logger's attributes when it logs.
type attrSource interface{ logAttrs() []slog.Attr }

// lazyAttrs is a slog.Handler that adds its attrs (or src's) to each
// record at Handle time, in front of the record's own (as With would place
// them).
type lazyAttrs struct {
	next  slog.Handler
	attrs []slog.Attr
	src   attrSource // when set, the attrs come from it
}

func (h *lazyAttrs) all() []slog.Attr {
	if h.src != nil {
		return h.src.logAttrs()
	}
	return h.attrs
}

func (h *lazyAttrs) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h *lazyAttrs) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	out.AddAttrs(h.all()...)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(a)
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *lazyAttrs) WithAttrs(attrs []slog.Attr) slog.Handler {
	mine := h.all()
	all := make([]slog.Attr, 0, len(mine)+len(attrs))
	return &lazyAttrs{next: h.next, attrs: append(append(all, mine...), attrs...)}
}

func (h *lazyAttrs) WithGroup(name string) slog.Handler {
	return h.next.WithAttrs(h.all()).WithGroup(name)
}
