// A list view's row change (enable, disable, rotate, delete): one at a time, its failure shown above the list.

/** The view's state a row change drives; `changing` disables the row buttons while one is in flight. */
export interface RowChanging {
  message: string;
  error: unknown;
  changing: boolean;
}

/** Runs `step`, then `reload`s the list; a failure of either is shown as the view's error. */
export async function changeRow(
  view: RowChanging,
  step: () => Promise<void>,
  reload: () => Promise<void>,
): Promise<void> {
  view.message = '';
  view.error = null;
  view.changing = true;
  try {
    await step();
    await reload();
  } catch (error) {
    view.error = error;
  } finally {
    view.changing = false;
  }
}
