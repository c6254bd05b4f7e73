// Package mail delivers keyward's mail outbox over SMTP.
//
// Mail is written to the outbox (keyward.MailTx) in the same transaction as
// the change that causes it, such as an invitation, so a message exists if
// and only if its cause committed. A Sender, started by the server, claims
// due messages one at a time with a lease, sends each through SMTP
// (wneessen/go-mail) and marks it sent before it claims the next; a failure
// is retried with exponential backoff, and a permanent SMTP error gives
// the message up.
//
// Delivery is at least once, and in practice exactly once: cancelling a
// Sender stops it only between messages (a claimed message is sent and
// recorded first), so a shutdown never duplicates or loses mail. The one
// window left is a process crash after the SMTP server accepted a message
// and before its mark committed: the lease then expires and the message is
// sent again, with the same Message-ID (<outbox id@domain>), which lets a
// recipient's mail system recognise the duplicate.
//
// With no SMTP server configured no Sender runs and messages stay in the
// outbox, where GET /v2/mail and `keyward mail list` show them (the
// development outbox).
package mail
