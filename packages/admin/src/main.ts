// Element Plus's components and their styles are imported where they are used (vite.config.ts): templates through
// unplugin-vue-components, El* imports in scripts (such as these two) get their CSS from vite/element-styles.ts.
import { ElMessage, ElMessageBox, provideGlobalConfig } from 'element-plus';
import en from 'element-plus/es/locale/lang/en';
import zhCn from 'element-plus/es/locale/lang/zh-cn';
import urql from '@urql/vue';
import { createApp } from 'vue';
import { registerSW } from 'virtual:pwa-register';
import App from './App.vue';
import { installOffline } from './offline';
import { installIcons } from './plugins/icons';
import { i18n, i18nReady, savedLocale } from './plugins/i18n';
import { client } from './plugins/urql';
import { router } from './router';
import { installGuards } from './router/guards';
import './styles.css';

const app = createApp(App);
app.use(i18n);
// What app.use(ElementPlus, { locale }) did, without the whole library: the app-wide locale, and the message and
// confirm boxes opened from scripts in this app's context (they read that locale: 确定/取消, not OK/Cancel).
provideGlobalConfig({ locale: savedLocale() === 'en' ? en : zhCn }, app, true);
app.use(ElMessage);
app.use(ElMessageBox);
installIcons(app);
app.use(urql, client);
installOffline(client, () => void router.push({ name: 'login', query: { reason: 'idle' } }));
installGuards(router, client);
app.use(router);
// English strings are a chunk of their own: wait for them when English is the saved language.
void i18nReady.then(() => app.mount('#app'));

// The service worker caches the app's own files so the field app opens without a network; a new release replaces
// it on the next load (autoUpdate). Never in `pnpm dev`, where files change on every save.
if (import.meta.env.PROD && 'serviceWorker' in navigator) registerSW({ immediate: true });
