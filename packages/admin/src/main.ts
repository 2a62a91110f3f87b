import ElementPlus from 'element-plus';
import 'element-plus/dist/index.css';
import en from 'element-plus/es/locale/lang/en';
import zhCn from 'element-plus/es/locale/lang/zh-cn';
import * as Icons from '@element-plus/icons-vue';
import urql from '@urql/vue';
import { createApp } from 'vue';
import { registerSW } from 'virtual:pwa-register';
import App from './App.vue';
import { installOffline } from './offline';
import { i18n, i18nReady, savedLocale } from './plugins/i18n';
import { client } from './plugins/urql';
import { router } from './router';
import { installGuards } from './router/guards';
import './styles.css';

const app = createApp(App);
app.use(i18n);
app.use(ElementPlus, { locale: savedLocale() === 'en' ? en : zhCn });
for (const [name, component] of Object.entries(Icons)) app.component(name, component);
app.use(urql, client);
installOffline(client, () => void router.push({ name: 'login', query: { reason: 'idle' } }));
installGuards(router, client);
app.use(router);
// English strings are a chunk of their own: wait for them when English is the saved language.
void i18nReady.then(() => app.mount('#app'));

// The service worker caches the app's own files so the field app opens without a network; a new release replaces
// it on the next load (autoUpdate). Never in `pnpm dev`, where files change on every save.
if (import.meta.env.PROD && 'serviceWorker' in navigator) registerSW({ immediate: true });
