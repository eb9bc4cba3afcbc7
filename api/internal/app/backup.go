package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/aiguillage/aiguillage/api/internal/config"
	"github.com/aiguillage/aiguillage/api/internal/store"
)

// runBackup writes a backup of the database to the file after --to, while
// the server may run: SQLite with VACUUM INTO (one consistent file, checked
// afterwards), PostgreSQL with pg_dump's custom format (a consistent
// snapshot; pg_dump must be installed, of the server's major version or newer).
func runBackup(ctx context.Context, cfg *config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	path, err := fileArg(args, "--to", "usage: aiguillage backup --to FILE")
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s exists: back up into a new file", path)
	}
	dialect, dsn, err := store.ParseURL(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	if dialect == store.Postgres {
		if err := pgTool(ctx, "pg_dump", "--format=custom", "--file="+path, "--dbname="+dsn); err != nil {
			_ = os.Remove(path)
			return err
		}
		fmt.Fprintf(stdout, "Sauvegarde écrite : %s (%s, pg_dump --format=custom ; restauration : aiguillage restore --from %s)\n", path, size(path), path)
		return nil
	}
	err = withStore(ctx, cfg, log, func(s *store.Store) error { return s.BackupSQLite(ctx, path) })
	if err != nil {
		return err
	}
	version, err := checkSQLiteFile(ctx, log, path)
	if err != nil {
		return fmt.Errorf("the backup %s is not usable: %w", path, err)
	}
	fmt.Fprintf(stdout, "Sauvegarde écrite : %s (%s, SQLite, schéma version %d, intégrité vérifiée ; restauration : aiguillage restore --from %s)\n",
		path, size(path), version, path)
	return nil
}

// runRestore restores a backup made by runBackup into the database of
// AIGUILLAGE_DATABASE_URL, which must be new: an SQLite path where no file
// exists yet, an empty PostgreSQL database. It never overwrites data.
func runRestore(ctx context.Context, cfg *config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	from, err := fileArg(args, "--from", "usage: aiguillage restore --from FILE")
	if err != nil {
		return err
	}
	if _, err := os.Stat(from); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	dialect, dsn, err := store.ParseURL(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	if dialect == store.Postgres {
		err := withStore(ctx, cfg, log, func(s *store.Store) error {
			tables, err := s.Tables(ctx)
			if err != nil {
				return err
			}
			if len(tables) > 0 {
				return fmt.Errorf("the database of AIGUILLAGE_DATABASE_URL has %d tables: restore into a new, empty database (createdb), then point the servers to it", len(tables))
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := pgTool(ctx, "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "--dbname="+dsn, from); err != nil {
			return err
		}
	} else {
		if strings.Contains(dsn, "?") || strings.Contains(dsn, "memory") {
			return errors.New("restore into an SQLite file path (sqlite:PATH)")
		}
		if _, err := os.Stat(dsn); err == nil {
			return fmt.Errorf("%s exists: restore into a new path (stop the server, move the old file and its -wal and -shm files away, or choose another path)", dsn)
		}
		if dir := filepath.Dir(dsn); dir != "." {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return err
			}
		}
		tmp := dsn + ".restoring"
		if err := copyFile(from, tmp); err != nil {
			return err
		}
		if _, err := checkSQLiteFile(ctx, log, tmp); err != nil {
			_ = os.Remove(tmp)
			return fmt.Errorf("the backup %s is not usable: %w", from, err)
		}
		if err := os.Rename(tmp, dsn); err != nil {
			return err
		}
	}
	var version int64
	err = withStore(ctx, cfg, log, func(s *store.Store) error {
		st, err := s.MigrationStatus(ctx)
		version = st.Current
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Sauvegarde %s restaurée (schéma version %d) ; `aiguillage migrate` l'amène à la version de ce binaire si besoin.\n", from, version)
	return nil
}

// checkSQLiteFile opens an SQLite backup, checks its integrity and returns
// its schema version.
func checkSQLiteFile(ctx context.Context, log *slog.Logger, path string) (int64, error) {
	s, err := store.Open(ctx, "sqlite:"+path, store.Options{Logger: log})
	if err != nil {
		return 0, err
	}
	defer func() { _ = s.Close() }()
	if err := s.CheckIntegrity(ctx); err != nil {
		return 0, err
	}
	st, err := s.MigrationStatus(ctx)
	if err != nil {
		return 0, err
	}
	return st.Current, nil
}

// pgTool runs pg_dump or pg_restore; its error carries the tool's message.
func pgTool(ctx context.Context, tool string, args ...string) error {
	bin, err := exec.LookPath(tool)
	if err != nil {
		return fmt.Errorf("%s not found: install the PostgreSQL client tools (major version of the server or newer), or run %s yourself (see deploy/README.md)", tool, tool)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", tool, err, strings.Join(strings.Fields(stderr.String()), " "))
	}
	return nil
}

func fileArg(args []string, flag, usage string) (string, error) {
	switch {
	case len(args) == 2 && args[0] == flag && args[1] != "":
		return args[1], nil
	case len(args) == 1 && strings.HasPrefix(args[0], flag+"=") && len(args[0]) > len(flag)+1:
		return strings.TrimPrefix(args[0], flag+"="), nil
	}
	return "", errors.New(usage)
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		_ = os.Remove(to)
		return err
	}
	if err := out.Sync(); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

func size(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return "taille inconnue"
	}
	return fmt.Sprintf("%.1f Mo", float64(fi.Size())/1e6)
}
