// Shared responsive choices for the views: one place decides what changes on a phone (see also styles.css).
import { computed, type ComputedRef } from 'vue';
import { useViewport } from './useViewport';

/** What el-form takes for its labels: bind it whole (`<el-form v-bind="formLayout">`). */
export interface FormLayout {
  labelPosition: 'top' | 'right';
  labelWidth: string;
}

/**
 * Labels beside their fields on a desktop (at the width the form chose), on top of them on a phone, where a 100-px
 * label column would leave the field a third of the screen. styles.css makes the fields of a top-labelled form full width.
 */
export function useFormLayout(labelWidth: string): ComputedRef<FormLayout> {
  const { isPhone } = useViewport();
  return computed(() => (isPhone.value ? { labelPosition: 'top', labelWidth: 'auto' } : { labelPosition: 'right', labelWidth }));
}

/** Columns of an el-descriptions (or a grid): as many as the page chose on a desktop, one on a phone. */
export function useColumns(desktop: number): ComputedRef<number> {
  const { isPhone } = useViewport();
  return computed(() => (isPhone.value ? 1 : desktop));
}

/**
 * The `fixed` of a table's key column (the person's name): pinned left on a phone, so the row stays identifiable while
 * the table scrolls sideways in its own box; not pinned on a desktop, where the whole row fits.
 */
export function useKeyColumn(): ComputedRef<'left' | false> {
  const { isPhone } = useViewport();
  return computed(() => (isPhone.value ? 'left' : false));
}
