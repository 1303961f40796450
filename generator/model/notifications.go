package model

import (
	"github.com/getkin/kin-openapi/openapi3"
)

// addNotifications makes a typed notification of every callback operation
// carrying x-wechatpay-event-type and x-wechatpay-resource. Callbacks
// without them are not typed. One event type declared by several
// operations is one notification, if the declarations agree.
func (b *builder) addNotifications(op *Operation, o *openapi3.Operation, ptr string) {
	for _, key := range sortedKeys(o.Callbacks) {
		cb := o.Callbacks[key].Value
		if cb == nil {
			continue
		}
		for _, expr := range sortedKeys(cb.Map()) {
			ops := cb.Value(expr).Operations()
			for _, method := range sortedKeys(ops) {
				cptr := pointer(ptr, "callbacks", key, expr, method)
				if n := b.notification(op, key, ops[method], cptr); n != nil {
					op.Notifications = append(op.Notifications, n)
				}
			}
		}
	}
}

// notification makes (or finds) the notification of one callback operation.
func (b *builder) notification(op *Operation, key string, co *openapi3.Operation, ptr string) *Notification {
	event, res := stringExt(co.Extensions, extEventType), stringExt(co.Extensions, extResource)
	if event == "" && res == "" {
		return nil
	}
	pos := b.pos(co.Origin, ptr)
	payload := b.component(res)
	if event == "" || payload == nil {
		b.diags.Errorf(pos, "set x-wechatpay-event-type and x-wechatpay-resource: '#/components/schemas/<Name>' together",
			"callback %q needs an event type and the $ref of an object component schema (got %q, %q)", key, event, res)
		return nil
	}
	goName := b.goNameOf(co.Extensions, key, pos)
	if prev, ok := b.events[event]; ok {
		if prev.GoName != goName || prev.Payload != payload {
			b.diags.Errorf(pos, "declare each event type once, or alike", "event type %s is declared differently at %s", event, describe(prev.Pos))
		}
		return prev
	}
	n := &Notification{Key: key, GoName: goName, EventType: event, ConstName: "EventType" + goName, Handler: "On" + goName,
		Payload: payload, Summary: co.Summary, Description: co.Description, Operation: op, Pos: pos}
	b.events[event] = n
	b.api.Notifications = append(b.api.Notifications, n)
	return n
}
