#!/usr/bin/env bash
# End to end, as a person uses spantag: the real binary in a real X window (Xvfb), the real
# file dialog (zenity, which rfd falls back to without a desktop portal), real mouse and
# keys (xdotool), and the sidecar on disk. Screenshots of every step go to target/e2e/.
#
# Run from the repository root: bash tests/e2e.sh   (.ci/run does)
set -euo pipefail
cd "$(dirname "$0")/.."

OUT="$PWD/target/e2e"
rm -rf "$OUT"
mkdir -p "$OUT"
STEP="start"
APP_PID=""
XVFB_PID=""

cleanup() {
    [ -n "$APP_PID" ] && kill -9 "$APP_PID" 2>/dev/null || true
    pkill -f "zenity --no-markup" 2>/dev/null || true
    if [ -n "$XVFB_PID" ]; then
        kill "$XVFB_PID" 2>/dev/null || true
        wait "$XVFB_PID" 2>/dev/null || true
    fi
}
trap cleanup EXIT

shot() { [ -n "${DISPLAY:-}" ] && import -display "$DISPLAY" -window root "$OUT/$1.png" 2>/dev/null || true; }

fail() {
    shot "failed"
    echo "e2e FAILED at step '$STEP': $1" >&2
    echo "screenshots: $OUT (the last one is failed.png)" >&2
    [ -f "$OUT/app.log" ] && tail -20 "$OUT/app.log" >&2
    if [ -n "$XVFB_PID" ] && ! kill -0 "$XVFB_PID" 2>/dev/null; then
        echo "Xvfb is no longer running; its log:" >&2
        tail -20 "$OUT/xvfb.log" >&2
    fi
    exit 1
}

step() {
    STEP="$1"
    echo "e2e: $STEP"
}

# Any command that fails unexpectedly fails the step, with its screenshot.
trap 'fail "a command failed: $BASH_COMMAND"' ERR

# Polls a command until it succeeds, for at most $1 seconds.
wait_for() {
    local seconds=$1
    shift
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -ge $deadline ] && return 1
        sleep 0.1
    done
}

step "install what the test needs"
missing=()
for tool in Xvfb:xvfb xdotool:xdotool zenity:zenity import:imagemagick; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool##*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

step "build"
cargo build --locked --quiet
BIN="$PWD/target/debug/spantag"

step "start Xvfb"
DISPLAY_NUMBER=97
while [ -e "/tmp/.X11-unix/X$DISPLAY_NUMBER" ] || [ -e "/tmp/.X$DISPLAY_NUMBER-lock" ]; do
    DISPLAY_NUMBER=$((DISPLAY_NUMBER + 1))
done
export DISPLAY=":$DISPLAY_NUMBER"
# -noreset: by default the server resets each time its last client leaves, which every
# stop_app does; a client connecting during that reset is refused ("Failed to open
# connection to X server"), and CI once failed that way. Measured here: 2 of 600 quick
# reconnections refused without -noreset, 0 of 400 with it.
Xvfb "$DISPLAY" -screen 0 1280x900x24 -nolisten tcp -noreset >"$OUT/xvfb.log" 2>&1 &
XVFB_PID=$!
wait_for 10 xdotool getdisplaygeometry || fail "Xvfb did not start"
kill -0 "$XVFB_PID" 2>/dev/null || fail "Xvfb exited at start (see $OUT/xvfb.log)"

WORK=$(mktemp -d)
cp assets/samples/lavrov-libya.txt assets/samples/harbour-strike.txt "$WORK/"
ARTICLE="$WORK/lavrov-libya.txt"
SIDECAR="$ARTICLE.ann.ron"

# Prints the labels and texts of the sidecar's spans, one per line.
spans() {
    [ -f "$SIDECAR" ] || return 0
    grep -o 'label: "[a-z]*", start: [0-9]*, end: [0-9]*, text: "[^"]*"' "$SIDECAR" |
        sed -E 's/label: "([a-z]*)".*text: "(.*)"/\1: \2/'
}
has_span() { spans | grep -qx "$1"; }
no_spans() { [ -f "$SIDECAR" ] && [ -z "$(spans)" ]; }

start_app() {
    XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$OUT}" "$BIN" "$@" >>"$OUT/app.log" 2>&1 &
    APP_PID=$!
    wait_for 30 xdotool search --onlyvisible --pid "$APP_PID" --name "spantag" ||
        fail "the window did not appear"
    WINDOW=$(xdotool search --onlyvisible --pid "$APP_PID" --name "spantag" | head -1)
    xdotool windowmove "$WINDOW" 0 0
    focus_app
}

# Gives the app's window the keyboard (Xvfb has no window manager to do it).
focus_app() {
    wait_for 10 xdotool windowfocus --sync "$WINDOW" || fail "the window would not take focus"
    sleep 0.5
}

stop_app() { # kill -9, as a crash would
    { kill -9 "$APP_PID" && wait "$APP_PID"; } 2>/dev/null || true
    APP_PID=""
}

# Window-relative coordinates of the first line of an article in the default window size
# (1180x780): the text column starts at x=80, the first row's middle is at y=102
# (under the toolbar and the article's source header).
drag() { # x1 y1 x2 y2
    xdotool mousemove "$1" "$2"; sleep 0.1
    xdotool mousedown 1; sleep 0.1
    xdotool mousemove $((($1 + $3) / 2)) "$4"; sleep 0.1
    xdotool mousemove "$3" "$4"; sleep 0.1
    xdotool mouseup 1; sleep 0.2
}

step "open the empty window"
start_app
shot "01-empty"

step "open an article with Ctrl+O and the system file dialog"
xdotool key ctrl+o
wait_for 20 xdotool search --class zenity || fail "the file dialog did not appear"
sleep 1
DIALOG=$(xdotool search --class zenity | tail -1)
xdotool windowfocus --sync "$DIALOG" 2>/dev/null || true
shot "02-dialog"
# Ctrl+L opens the GTK location bar; type the path there. If a keystroke was lost while
# the bar appeared, select what was typed and type it again.
typed=0
for attempt in 1 2 3; do
    xdotool key ctrl+l
    sleep 0.7
    xdotool key ctrl+a
    xdotool type --delay 40 "$ARTICLE"
    sleep 0.5
    xdotool key Return
    if wait_for 8 xdotool search --name "lavrov-libya.txt"; then
        typed=1
        break
    fi
    shot "02-dialog-retry-$attempt"
    # Dismiss a "could not be displayed" message, if any, before trying again.
    xdotool key Escape 2>/dev/null || true
    sleep 0.5
    DIALOG=$(xdotool search --class zenity | tail -1)
    [ -n "$DIALOG" ] && xdotool windowfocus --sync "$DIALOG" 2>/dev/null || true
done
[ "$typed" = 1 ] || fail "the article did not open through the file dialog"
focus_app
shot "03-opened"

step "drag over 'Sergei Lavrov' with the mouse and press 4"
# From inside "Sergei" to inside "Lavrov": whole-word snapping makes it exact.
drag 264 102 345 102
xdotool key 4
wait_for 5 has_span "actor: Sergei Lavrov" || fail "the sidecar never held actor: Sergei Lavrov (it has: $(spans | tr '\n' ';'))"
shot "04-tagged"

step "undo with Ctrl+Z"
xdotool key ctrl+z
wait_for 5 no_spans || fail "the span is still in the sidecar after Ctrl+Z (it has: $(spans | tr '\n' ';'))"
shot "05-undone"

step "redo with Ctrl+Shift+Z, then tag 'Moscow' by double-click and kill -9 a second later"
xdotool key ctrl+shift+z
xdotool mousemove 468 102; sleep 0.1
xdotool click --repeat 2 --delay 80 1; sleep 0.2
xdotool key 3
sleep 1
shot "06-before-kill"
stop_app
has_span "location: Moscow" || fail "the span tagged a second before kill -9 was lost (sidecar has: $(spans | tr '\n' ';'))"
has_span "actor: Sergei Lavrov" || fail "the redone span was lost (sidecar has: $(spans | tr '\n' ';'))"

step "reopen from the command line: the spans are shown, the sidecar is not rewritten"
before=$(sha256sum "$SIDECAR")
start_app "$ARTICLE"
sleep 1
shot "07-reopened"
stop_app
[ "$(sha256sum "$SIDECAR")" = "$before" ] || fail "opening the article rewrote its sidecar"

step "open the folder from the command line, mark the first article done with Ctrl+Enter"
# lavrov-libya is in progress, harbour-strike untouched: the folder opens at harbour-strike.
start_app "$WORK"
wait_for 20 xdotool search --name "harbour-strike.txt" || fail "the folder did not open at its first article"
focus_app
shot "08-folder"
xdotool key ctrl+Return
wait_for 5 grep -q "status: Done" "$WORK/harbour-strike.txt.ann.ron" ||
    fail "Ctrl+Enter did not write status: Done to harbour-strike.txt.ann.ron"
wait_for 10 xdotool search --name "lavrov-libya.txt" || fail "Ctrl+Enter did not open the next article"
sleep 0.5
shot "09-done-and-next"
stop_app

step "a machine without a single font: every script still draws, from the bundled fonts"
# fontconfig with no font folder at all: listing the system's fonts fails (it used to take
# the app down); the window must come up, stay up and say why it uses its own fonts.
NO_FONTS="$WORK/no-fonts.conf"
printf '<?xml version="1.0"?>\n<fontconfig></fontconfig>\n' >"$NO_FONTS"
SCRIPTS="$WORK/scripts.txt"
printf '%s\n' '東京で会談が行われた。北京也发表了声明。외교부 장관이 말했다。' \
    'قال وزير الخارجية إن ليبيا ثقب أسود' 'שר החוץ אמר' 'विदेश मंत्री ने कहा' \
    'รัฐมนตรีกล่าวว่า' 'Сергей Лавров, Ο υπουργός' >"$SCRIPTS"
FONTCONFIG_FILE="$NO_FONTS" start_app "$SCRIPTS"
sleep 2
shot "10-no-system-fonts"
kill -0 "$APP_PID" 2>/dev/null || fail "the app exited on a machine without fonts"
grep -q "using the fonts spantag carries" "$OUT/app.log" ||
    fail "the app did not say it fell back to its own fonts"
stop_app

step "click 'Sergei Lavrov', press E, then Enter: a new entity, linked, on disk"
start_app "$ARTICLE"
sleep 1
xdotool mousemove 300 102; sleep 0.1
xdotool click 1; sleep 0.3
xdotool key e
sleep 0.5
shot "11-entity-picker"
xdotool key Return
wait_for 5 grep -q 'text: "Sergei Lavrov".*entity: Some("sergei-lavrov")' "$SIDECAR" ||
    fail "the sidecar never linked Sergei Lavrov to sergei-lavrov"
grep -q '(id: "sergei-lavrov", name: "Sergei Lavrov", label: "actor"' "$WORK/entities.ron" ||
    fail "entities.ron does not hold the new entity"
sleep 0.5
shot "12-entity-linked"
stop_app

step "keyboard only: words, a sentence, a label key, Tab, Enter into the note, Esc"
KEYS="$WORK/keys"
mkdir -p "$KEYS"
cp assets/samples/lavrov-libya.txt "$KEYS/"
SIDECAR="$KEYS/lavrov-libya.txt.ann.ron"
start_app "$KEYS/lavrov-libya.txt"
sleep 1
# The caret starts at the text's start: three words on, then two words selected.
xdotool key ctrl+Right ctrl+Right ctrl+Right; sleep 0.2
xdotool key ctrl+shift+Right ctrl+shift+Right; sleep 0.2
shot "13-keys-selected"
xdotool key 4
wait_for 5 has_span "actor: Sergei Lavrov" || fail "Ctrl+Shift+→ twice and 4 did not tag Sergei Lavrov (sidecar has: $(spans | tr '\n' ';'))"
# Alt+S: the sentence around the caret; 1 makes it a claim.
xdotool key alt+s; sleep 0.2
xdotool key 1
wait_for 5 has_span "claim: Russian Foreign Minister Sergei Lavrov announced Moscow's stance on the Libyan conflict on Saturday, stressing that Russia is against putting the blame of the crisis on any side." ||
    fail "Alt+S and 1 did not tag the first sentence (sidecar has: $(spans | tr '\n' ';'))"
# Tab selects the first span (the claim), Enter puts the keyboard in its note.
xdotool key Escape Tab; sleep 0.2
xdotool key Return; sleep 0.3
xdotool type --delay 30 "checked"
xdotool key Escape; sleep 0.2
shot "14-keys-note"
wait_for 5 grep -q 'note: "checked"' "$SIDECAR" || fail "the note typed after Enter never reached the sidecar"
stop_app

step "open a two-column PDF from the command line and tag its first words from the keyboard"
PDFS="$WORK/pdf"
mkdir -p "$PDFS"
cp tests/sources/two-columns.pdf "$PDFS/bulletin.pdf"
SIDECAR="$PDFS/bulletin.pdf.ann.ron"
start_app "$PDFS/bulletin.pdf"
wait_for 20 xdotool search --name "bulletin.pdf" || fail "the PDF did not open"
sleep 1
shot "15-pdf-opened"
xdotool key ctrl+shift+Right ctrl+shift+Right; sleep 0.2
xdotool key 4
wait_for 5 has_span "actor: Harbour Authority" ||
    fail "Ctrl+Shift+→ twice and 4 did not tag the PDF's first words (sidecar has: $(spans | tr '\n' ';'))"
grep -q '    source: (kind: "pdf", extractor: "pdf-extract ' "$SIDECAR" ||
    fail "the sidecar does not record the PDF's extraction: $(head -5 "$SIDECAR")"
grep -q 'title: "Harbour Authority Approves New Ferry Terminal"' "$SIDECAR" ||
    fail "the sidecar does not hold the PDF's title: $(head -5 "$SIDECAR")"
shot "16-pdf-tagged"
stop_app

echo "screenshots in $OUT"
echo "e2e: 13 passed, 0 failed"
