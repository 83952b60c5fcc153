import { Component, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Box, Text, useApp, useInput, useStdout } from 'ink';
import type { Snapshot } from '../collector/types.js';
import { Banner, bannerLines } from './Banner.js';
import { FlinkJobs } from './FlinkJobs.js';
import { GroupDetail } from './GroupDetail.js';
import { GroupsTable } from './GroupsTable.js';
import { Header, type Selection } from './Header.js';
import { HelpOverlay } from './HelpOverlay.js';
import { panelRows } from './layout.js';
import { ColorContext, Tint } from './theme.js';
import { TopicsTable } from './TopicsTable.js';
import { nextSort, visibleGroups, visibleJobs, visibleTopics, type SortKey } from './view.js';

/** Where the dashboard's frames come from: the collector, or a test feeding snapshots. */
export interface SnapshotFeed {
  latest(): Snapshot | undefined;
  subscribe(listener: (s: Snapshot) => void): () => void;
}

export interface AppProps {
  feed: SnapshotFeed;
  /** Shown until the first snapshot arrives (the bootstrap servers). */
  target: string;
  /** The groups and topics the feed was narrowed to, for the header. Default: none (the whole cluster). */
  selection?: Selection;
  /** The health rule, for the help screen (verdictRule()). */
  verdictRule: string;
  /** Default: true. */
  color?: boolean;
  /** Fixes the size instead of following the terminal (tests). */
  size?: { columns: number; rows: number };
  /** Wall clock for the header. Default: Date.now. */
  clock?: () => number;
  /** How often the clock and data age redraw without new data; 0 never. Default: 1000 ms. */
  tickMs?: number;
  /** Called when the user quits (q, Ctrl-C), before the app unmounts. */
  onQuit?: () => void;
}

type View = 'main' | 'detail' | 'help';

/** The smallest screen the dashboard draws into. */
export const MIN_COLUMNS = 40;
export const MIN_ROWS = 8;

function useTerminalSize(fixed: AppProps['size']): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    if (fixed) return;
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fixed]);
  return fixed ?? size;
}

/**
 * The `streamctl top` screen. It only renders snapshots and handles keys: it
 * never talks to Kafka or Flink itself.
 */
export function App(props: AppProps) {
  const { feed, target, selection, verdictRule, color = true, clock = Date.now, tickMs = 1000, onQuit } = props;
  const { exit } = useApp();
  const { columns, rows: terminalRows } = useTerminalSize(props.size);
  // The last line stays free: output as tall as the terminal makes Ink clear and redraw the whole screen on every frame.
  const rows = terminalRows - 1;

  // The snapshot and the time it is drawn at change together: one render per sample, not two.
  const [frame, setFrame] = useState(() => ({ live: feed.latest(), now: clock() }));
  useEffect(() => feed.subscribe((s) => setFrame({ live: s, now: clock() })), [feed, clock]);
  useEffect(() => {
    if (tickMs <= 0) return;
    // The clock and the data's age are redrawn on their own only when samples stop coming
    // (Kafka slow or down): a render costs more than a sample, so no frame is drawn twice a second.
    const timer = setInterval(() => setFrame((f) => (clock() - f.now >= tickMs * 1.5 ? { ...f, now: clock() } : f)), tickMs);
    return () => clearInterval(timer);
  }, [clock, tickMs]);
  const { live, now } = frame;

  const [paused, setPaused] = useState<Snapshot | undefined | null>(null);
  const snapshot = paused === null ? live : paused;
  const [view, setView] = useState<View>('main');
  const [helpFrom, setHelpFrom] = useState<View>('main');
  const [filter, setFilter] = useState('');
  const [editingFilter, setEditingFilter] = useState(false);
  const [sort, setSort] = useState<SortKey>('lag');
  const [selected, setSelected] = useState<{ id: string | null; index: number }>({ id: null, index: 0 });
  const [detail, setDetail] = useState<{ id: string; scroll: number } | null>(null);

  const groups = useMemo(() => visibleGroups(snapshot?.groups ?? [], filter, sort), [snapshot, filter, sort]);
  const topics = useMemo(() => visibleTopics(snapshot?.topics ?? [], filter), [snapshot, filter]);
  const jobs = useMemo(() => visibleJobs(snapshot?.flink ?? [], filter), [snapshot, filter]);
  // Selection follows the group, not the row, as sorting and new groups move rows around.
  let selIndex = selected.id === null ? selected.index : groups.findIndex((g) => g.groupId === selected.id);
  if (selIndex < 0) selIndex = selected.index;
  selIndex = Math.max(0, Math.min(selIndex, groups.length - 1));
  const detailGroup = detail ? snapshot?.groups.find((g) => g.groupId === detail.id) : undefined;

  // Keys typed faster than a frame is drawn ("/q", "jj") must see each other's effect, so the
  // input handler reads and writes the mode here, not in the last render's closure.
  const ui = useRef({ view, editing: editingFilter, selIndex });
  ui.current = { view, editing: editingFilter, selIndex };
  const showView = (v: View) => {
    ui.current.view = v;
    setView(v);
  };
  const setEditing = (on: boolean) => {
    ui.current.editing = on;
    setEditingFilter(on);
  };

  const quit = () => {
    onQuit?.();
    exit();
  };
  const select = (index: number) => {
    const i = Math.max(0, Math.min(index, groups.length - 1));
    ui.current.selIndex = i;
    setSelected({ id: groups[i]?.groupId ?? null, index: i });
  };

  useInput((input, key) => {
    if (key.ctrl && input === 'c') return quit();
    const { view, editing, selIndex } = ui.current;
    if (editing) {
      if (key.escape) {
        setFilter('');
        setEditing(false);
      } else if (key.return) setEditing(false);
      else if (key.backspace || key.delete) setFilter((f) => f.slice(0, -1));
      else if (input && !key.ctrl && !key.meta && !key.upArrow && !key.downArrow && !key.leftArrow && !key.rightArrow && !key.tab)
        setFilter((f) => f + input);
      return;
    }
    // Keys typed quickly arrive as one chunk ("/or"): the first is the command, a filter takes the rest.
    const ch = input.slice(0, 1);
    if (ch === 'q') return quit();
    if (view === 'help') {
      if (key.escape || ch === '?') showView(helpFrom);
      return;
    }
    if (ch === '?') {
      setHelpFrom(view);
      showView('help');
      return;
    }
    if (ch === 'p') {
      setPaused((p) => (p === null ? live : null));
      return;
    }
    const up = key.upArrow || ch === 'k';
    const down = key.downArrow || ch === 'j';
    if (view === 'detail') {
      if (key.escape) {
        showView('main');
        setDetail(null);
      } else if (detail && (up || down)) {
        const max = Math.max(0, (detailGroup?.partitions.length ?? 1) - 1);
        setDetail({ ...detail, scroll: Math.max(0, Math.min(max, detail.scroll + (up ? -1 : 1))) });
      }
      return;
    }
    if (up) select(selIndex - 1);
    else if (down) select(selIndex + 1);
    else if (key.pageUp) select(selIndex - 10);
    else if (key.pageDown) select(selIndex + 10);
    else if (key.return) {
      const g = groups[selIndex];
      if (g) {
        setDetail({ id: g.groupId, scroll: 0 });
        showView('detail');
      }
    } else if (ch === '/') {
      setEditing(true);
      if (input.length > 1) setFilter((f) => f + input.slice(1));
    } else if (ch === 's') setSort(nextSort);
    else if (key.escape && filter) setFilter('');
  });

  if (columns < MIN_COLUMNS || rows < MIN_ROWS - 1) {
    return (
      <ColorContext.Provider value={color}>
        <Text wrap="truncate-end">{`terminal too small (${columns}×${terminalRows}); streamctl top needs ${MIN_COLUMNS}×${MIN_ROWS} — q quits`}</Text>
      </ColorContext.Provider>
    );
  }

  const banner = bannerLines(snapshot, now).slice(0, 3);
  const fixedRows = 1 + banner.length + 1; // header, banner, footer
  let body: ReactNode;
  let small = false;
  if (view === 'help') {
    body = <HelpOverlay verdictRule={verdictRule} height={rows - fixedRows} intervalMs={snapshot?.intervalMs ?? 1000} />;
  } else if (view === 'detail') {
    body = <GroupDetail group={detailGroup} scroll={detail?.scroll ?? 0} height={rows - fixedRows} width={columns} />;
  } else if (!snapshot) {
    body = <Text>{`  connecting to ${target}…`}</Text>;
  } else {
    const panels = panelRows(rows - fixedRows - 6, { groups: groups.length, topics: topics.length, flink: jobs.length });
    small = panels.topics === 0;
    const groupRows = small ? rows - fixedRows - 2 : panels.groups;
    body = (
      <>
        <GroupsTable
          groups={groups}
          total={snapshot.groups.length}
          selected={selIndex}
          height={groupRows}
          width={columns}
          sort={sort}
          filter={filter}
        />
        {small ? null : (
          <>
            <TopicsTable topics={topics} total={snapshot.topics.length} height={panels.topics} width={columns} filter={filter} />
            <FlinkJobs
              jobs={jobs}
              total={snapshot.flink.length}
              status={snapshot.sources.flink}
              height={panels.flink}
              width={columns}
              filter={filter}
            />
          </>
        )}
      </>
    );
  }

  return (
    <ColorContext.Provider value={color}>
      <Box flexDirection="column" width={columns} height={rows}>
        <Header snapshot={snapshot} target={target} selection={selection} now={now} paused={paused !== null} width={columns} />
        <Banner lines={banner} />
        <FrameBoundary resetKey={snapshot?.seq ?? 0}>
          <Box flexDirection="column" flexGrow={1}>
            {body}
          </Box>
        </FrameBoundary>
        <Footer view={view} editingFilter={editingFilter} filter={filter} small={small} />
      </Box>
    </ColorContext.Provider>
  );
}

function Footer({ view, editingFilter, filter, small }: { view: View; editingFilter: boolean; filter: string; small: boolean }) {
  if (editingFilter) {
    return (
      <Text wrap="truncate-end">
        <Tint color="cyan" bold>
          {'/ '}
        </Tint>
        {filter}
        <Text inverse> </Text>
        <Tint dim>{'  Enter keep · Esc clear'}</Tint>
      </Text>
    );
  }
  const keys =
    view === 'help'
      ? 'Esc/? close help · q quit'
      : view === 'detail'
        ? '↑↓/jk scroll · Esc back · p pause · ? help · q quit'
        : '↑↓/jk select · Enter details · / filter · s sort · p pause · ? help · q quit';
  return (
    <Text wrap="truncate-end">
      {small ? <Tint color="yellow">{'small terminal: topics and Flink hidden  '}</Tint> : null}
      <Tint dim>{keys}</Tint>
    </Text>
  );
}

/**
 * A frame that fails to render shows its error in place of the panels and
 * the next snapshot tries again: a bug in one frame must not end the session
 * (or leave the terminal in the alternate screen).
 */
class FrameBoundary extends Component<{ resetKey: number; children: ReactNode }, { error: Error | null; key: number }> {
  override state = { error: null as Error | null, key: this.props.resetKey };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  static getDerivedStateFromProps(props: { resetKey: number }, state: { error: Error | null; key: number }) {
    return props.resetKey !== state.key ? { error: null, key: props.resetKey } : null;
  }

  override render() {
    if (this.state.error) {
      return (
        <Text wrap="truncate-end">
          <Tint color="red">{`  could not draw this frame: ${this.state.error.message}; retrying with the next sample`}</Tint>
        </Text>
      );
    }
    return this.props.children;
  }
}
