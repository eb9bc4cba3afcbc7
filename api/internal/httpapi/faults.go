package httpapi

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
)

// databaseDown reports whether err comes from a database that does not
// answer in time: a deadline passed, the network failed, or the driver
// lost its connection. The store maps most of these to EUNAVAILABLE
// itself; this catches the few it returns untranslated.
func databaseDown(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF)
}
