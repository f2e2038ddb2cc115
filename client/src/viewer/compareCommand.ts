/** Compares two traces: the given trace (or the viewer's, or a picked one) as the new one, with a baseline the user picks. */
export const COMPARE_COMMAND = 'goTraceLens.compareWith';
