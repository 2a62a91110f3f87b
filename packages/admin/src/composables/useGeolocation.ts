import { ref, watch, type Ref } from 'vue';

export interface GeoFix {
  latitude: number;
  longitude: number;
  /** Metres (95% radius, as the browser reports it). */
  accuracy: number;
}

/** Readable reasons in Chinese for each way getting a location fails. */
const MESSAGES: Record<number, string> = {
  1: '未获得定位权限：请在浏览器或手机设置中允许本网站使用位置信息，或不记录位置',
  2: '暂时无法获取位置（信号弱或定位服务已关闭），请到开阔处重试',
  3: '获取位置超时，请重试',
};

/**
 * The visit's GPS location, asked for only after the visitor ticks consent (the API keeps coordinates only with
 * `proof.locationConsent`). Unticking consent forgets the fix. Coordinates are rounded to 6 decimals (the column's
 * precision, about 0.1 m).
 */
export function useGeolocation(consent: Ref<boolean>, options: PositionOptions = { enableHighAccuracy: true, timeout: 20_000, maximumAge: 60_000 }) {
  const fix = ref<GeoFix | null>(null);
  const error = ref<string | null>(null);
  const locating = ref(false);

  function locate(): Promise<GeoFix | null> {
    if (!consent.value) return Promise.resolve(null);
    if (typeof navigator === 'undefined' || !navigator.geolocation) {
      error.value = '此设备或浏览器不支持定位';
      return Promise.resolve(null);
    }
    if (typeof window !== 'undefined' && window.isSecureContext === false) {
      error.value = '定位需要安全连接（https），请联系管理员';
      return Promise.resolve(null);
    }
    locating.value = true;
    error.value = null;
    return new Promise((resolve) => {
      navigator.geolocation.getCurrentPosition(
        (p) => {
          locating.value = false;
          // Consent withdrawn while the phone was locating: keep nothing.
          if (!consent.value) return resolve(null);
          fix.value = {
            latitude: Math.round(p.coords.latitude * 1e6) / 1e6,
            longitude: Math.round(p.coords.longitude * 1e6) / 1e6,
            accuracy: Math.round(p.coords.accuracy),
          };
          resolve(fix.value);
        },
        (e) => {
          locating.value = false;
          error.value = MESSAGES[e.code] ?? '无法获取位置，请重试';
          resolve(null);
        },
        options,
      );
    });
  }

  watch(consent, (given) => {
    if (given) void locate();
    else {
      fix.value = null;
      error.value = null;
    }
  });

  return { fix, error, locating, locate };
}
