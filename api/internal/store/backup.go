package store

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// BackupSQLite writes a consistent copy of the SQLite database to path
// (which must not exist) with VACUUM INTO, while the server keeps reading
// and writing: the copy is the database as of one read transaction, in a
// single file (no WAL), compacted. It runs on the database/sql handle, so
// no per-statement timeout cuts a long copy short.
func (s *Store) BackupSQLite(ctx context.Context, path string) error {
	if s.dialect != SQLite {
		return errors.New("VACUUM INTO backs up SQLite only: back PostgreSQL up with pg_dump")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s exists: back up into a new file", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	db, err := s.SQLDB()
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		_ = os.Remove(path)
		return fmt.Errorf("VACUUM INTO %s: %w", path, err)
	}
	return nil
}

// CheckIntegrity runs SQLite's integrity check (PostgreSQL: a ping).
func (s *Store) CheckIntegrity(ctx context.Context) error {
	if s.dialect != SQLite {
		return s.Ping(ctx)
	}
	db, err := s.SQLDB()
	if err != nil {
		return err
	}
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("integrity check: %s", res)
	}
	return nil
}

// Tables lists the application's tables (goose's version table included),
// sorted by name.
func (s *Store) Tables(ctx context.Context) ([]string, error) {
	db, err := s.SQLDB()
	if err != nil {
		return nil, err
	}
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if s.dialect == Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		out = append(out, name)
	}
	return out, rows.Err()
}
