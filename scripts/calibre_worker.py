# A long-lived calibre library session, run by `calibre-debug -e calibre_worker.py LIBRARY`.
#
# Each calibredb call costs 0.5-0.7 s of start-up; this process pays it once. It speaks JSON
# lines: a request {"id": n, "args": ["list", "--for-machine", ...]} names a calibredb command
# and its arguments (without --with-library), and the answer {"id": n, "exitCode": c,
# "stdout": "...", "stderr": "..."} is what calibredb would have printed; "opened" says the
# library was (re)opened for this request, so what was read of it before may be stale. The
# commands run through calibredb's own option parsers and command modules, in this process,
# against a library kept open (or a content server's URL, through calibredb's own client): same
# checks, same output, none of the start-up.
#
# The library is held only while there is work. Before opening it the worker takes the lock
# calibredb, calibre-server and the calibre app take (calibre.utils.lock, name 'db'), so none of
# them opens the library under it and each of them still makes this worker answer "busy". After
# IDLE seconds without a request it closes the library and releases the lock.

import io
import json
import os
import select
import sys
import time
import traceback

# Only the answers may reach the protocol stream: anything calibre or a program it starts
# prints to file descriptor 1 goes to stderr instead.
protocol = os.fdopen(os.dup(1), 'w', encoding='utf-8', newline='\n')
os.dup2(2, 1)
sys.stdout = sys.stderr

from calibre.db.cli import module_for_cmd  # noqa: E402
from calibre.db.cli.main import DBCtx, option_parser_for  # noqa: E402
from calibre.db.legacy import LibraryDatabase  # noqa: E402
from calibre.utils.lock import create_single_instance_mutex  # noqa: E402

BUSY = ('Another calibre program such as calibre-server or the main calibre program is running.'
        ' Having multiple programs that can make changes to a calibre library running at the same'
        ' time is a bad idea.')

library_path = os.path.expanduser(sys.argv[1])
# A content server's URL: calibredb's own client for its /cdb/cmd endpoints, with the same
# credentials (the password stays in its file, named like calibredb's --password <f:file>).
is_server = library_path.partition(':')[0] in ('http', 'https')
idle_seconds = float(os.environ.get('AUTOMATED_FANFIC_CALIBRE_IDLE', '2'))
# For measurements (bench/library-burst.ts): each request's command and start and end time, one
# JSON line each, appended to this file.
timings_file = os.environ.get('AUTOMATED_FANFIC_CALIBRE_TIMINGS')


class Session:
    # What calibredb's command modules ask of their context (calibre.db.cli.main.DBCtx), for a
    # local library only.

    def __init__(self):
        self.library_path = library_path
        self.is_remote = False
        self.url = None
        self.timeout = 120
        self.option_parser = None
        self._db = None
        self._release = None

    # True when this call opened the library, False when it was open already, None when another
    # program holds the lock.
    def open(self):
        if self._db is not None:
            return False
        if self._release is None:
            self._release = create_single_instance_mutex('db')
            if self._release is None:
                return None
        try:
            self._db = LibraryDatabase(self.library_path)
        except BaseException:
            # Not left holding the lock for a library it could not open (a read-only folder).
            self.close()
            raise
        return True

    def close(self):
        if self._db is not None:
            try:
                self._db.close()
            finally:
                self._db = None
        if self._release is not None:
            self._release()
            self._release = None

    @property
    def db(self):
        return self._db

    def path(self, path):
        return path

    def run(self, name, *args):
        return module_for_cmd(name).implementation(self._db.new_api, None, *args)


session = Session()


class ServerOptions:
    # The global options calibredb's DBCtx reads.
    def __init__(self):
        password_file = os.environ.get('AUTOMATED_FANFIC_CALIBRE_PASSWORD_FILE')
        self.library_path = library_path
        self.timeout = 120
        self.username = os.environ.get('AUTOMATED_FANFIC_CALIBRE_USERNAME') or None
        self.password = '<f:%s>' % password_file if password_file else None


server = DBCtx(ServerOptions(), None) if is_server else None


def capture():
    # Text streams with a .buffer, as calibredb's list writes its JSON as bytes.
    return io.TextIOWrapper(io.BytesIO(), encoding='utf-8', errors='replace', newline='\n', write_through=True)


def captured(stream):
    stream.flush()
    return stream.buffer.getvalue().decode('utf-8', 'replace')


def run_command(args):
    out, err = capture(), capture()
    # A server keeps its own library open and needs no lock of ours.
    opened = False if server is not None else session.open()
    if opened is None:
        return 1, '', BUSY + '\n', False
    context = server if server is not None else session
    name, rest = args[0], list(args[1:])
    # calibredb's add resets sys.stdout to sys.__stdout__ when it is done, so both are redirected.
    saved = sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__
    sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__ = out, err, out, err
    code = 0
    try:
        parser = option_parser_for(name, rest)()
        context.option_parser = parser
        opts, positional = parser.parse_args(['calibredb'] + rest)
        code = module_for_cmd(name).main(opts, positional[1:], context) or 0
    except SystemExit as e:
        if isinstance(e.code, int):
            code = e.code
        elif e.code is None:
            code = 0
        else:
            err.write(str(e.code) + '\n')
            code = 1
    except Exception:
        err.write(traceback.format_exc())
        code = 1
    finally:
        sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__ = saved
    return code, captured(out), captured(err), opened


def answer(message):
    protocol.write(json.dumps(message) + '\n')
    protocol.flush()


def main():
    buffer = b''
    stdin = sys.stdin.buffer.fileno()
    while True:
        ready, _, _ = select.select([stdin], [], [], idle_seconds if session.db is not None else None)
        if not ready:
            session.close()
            continue
        chunk = os.read(stdin, 65536)
        if not chunk:
            break
        buffer += chunk
        while b'\n' in buffer:
            line, buffer = buffer.split(b'\n', 1)
            if not line.strip():
                continue
            request_id = None
            opened = False
            try:
                request = json.loads(line)
                request_id = request['id']
                args = [str(a) for a in request['args']]
                if args == ['close']:
                    session.close()
                    answer({'id': request_id, 'exitCode': 0, 'stdout': '', 'stderr': ''})
                    continue
                started = time.time()
                code, out, err, opened = run_command(args)
                if timings_file:
                    with open(timings_file, 'a') as timings:
                        timings.write(json.dumps({'call': args[0], 'start': started, 'end': time.time(), 'opened': opened}) + '\n')
            except Exception:
                code, out, err = 1, '', traceback.format_exc()
            answer({'id': request_id, 'exitCode': code, 'stdout': out, 'stderr': err, 'opened': opened})
    session.close()


main()
