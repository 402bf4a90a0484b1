"""In-app notifications (站内消息) and the channels that carry them further (e-mail, SMS, 政务消息).

The kernel keeps the mechanism — a ``Notification`` per person, its unread count, marking read,
and the ``Channel`` adapter interface; what makes a notification (a case event, a deadline) is
wired by the layer that knows about it (``lawtrail.web.notify``). See docs/notifications.md."""
