// ECharts, only the parts the console draws (bars, a pie, their axes and tooltips, the canvas renderer): the full
// build is several times larger. Imported by the pages that chart, so ECharts loads only with them.
import { BarChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export { default as VChart } from 'vue-echarts';
