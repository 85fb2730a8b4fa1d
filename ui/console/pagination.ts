// An authentik list's page as the API answers it (lib/pagination.ts `Page`; the console imports no lib/).

/** The envelope's `pagination`, the fields the console shows and pages with. */
export interface Pagination {
  count: number;
  current: number;
  total_pages: number;
  start_index: number;
  end_index: number;
}
