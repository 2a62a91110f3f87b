import { afterEach, describe, expect, it } from 'vitest';
import { nextTick, reactive } from 'vue';
import { readProblem, useFieldErrorDisplay, useFieldErrors } from '../../packages/admin/src/forms/fieldErrors';
import { i18n } from '../../packages/admin/src/plugins/i18n';

type UrqlError = NonNullable<Parameters<typeof readProblem>[0]>;

/** What urql hands a form after the API refused a mutation (only the parts the helpers read). */
function apiError(message: string, extensions: Record<string, unknown>): UrqlError {
  return { graphQLErrors: [{ message, extensions }], networkError: undefined, message } as unknown as UrqlError;
}

const badInput = apiError('有 2 处填写不正确', {
  code: 'BAD_USER_INPUT',
  fieldErrors: [
    { field: 'idNumber', message: '身份证号校验位不正确', messageEn: 'The ID number check digit is wrong' },
    { field: 'emergencyContacts.1.phone', message: '电话号码格式不正确', messageEn: 'The phone number is not valid' },
  ],
});

afterEach(() => {
  i18n.global.locale.value = 'zh-CN';
});

describe('field errors from the API', () => {
  it('reads every wrong field under its path, with the code and the whole-form message', () => {
    const problem = readProblem(badInput);
    expect(problem.code).toBe('BAD_USER_INPUT');
    expect(problem.message).toBe('有 2 处填写不正确');
    expect(problem.fields).toEqual({ idNumber: '身份证号校验位不正确', 'emergencyContacts.1.phone': '电话号码格式不正确' });
  });

  it('uses the English message when the console is in English', () => {
    i18n.global.locale.value = 'en';
    expect(readProblem(badInput).fields.idNumber).toBe('The ID number check digit is wrong');
  });

  it('puts a single-field error under its field, and a network failure as one message', () => {
    expect(readProblem(apiError('用户名已存在', { code: 'CONFLICT', field: 'username' })).fields).toEqual({ username: '用户名已存在' });
    const offline = { graphQLErrors: [], networkError: new Error('fetch failed'), message: 'fetch failed' } as unknown as UrqlError;
    expect(readProblem(offline)).toMatchObject({ code: null, fields: {}, message: '无法连接服务器，请检查网络后重试' });
    expect(readProblem(null)).toMatchObject({ code: null, message: null, fields: {} });
  });

  it('useFieldErrors keeps the fields for the form items and returns only what belongs to no field', () => {
    const errors = useFieldErrors();
    expect(errors.apply(badInput)).toBeNull();
    expect(errors.fields.idNumber).toBe('身份证号校验位不正确');
    expect(errors.apply(apiError('没有权限', { code: 'FORBIDDEN' }))).toBe('没有权限');
    // The fields of the previous answer are gone.
    expect(errors.fields).toEqual({});
  });

  it('hides a field error once the user changes that field, and only that one', async () => {
    const form = reactive({ idNumber: '440783195001011234', emergencyContacts: [{ phone: '1' }, { phone: '2' }] });
    const problem = readProblem(badInput);
    const show = useFieldErrorDisplay(() => form, () => problem.fields);
    expect(show('idNumber')).toBe('身份证号校验位不正确');
    form.idNumber = '44078319500101123X';
    await nextTick();
    expect(show('idNumber')).toBe('');
    expect(show('emergencyContacts.1.phone')).toBe('电话号码格式不正确');
  });
});
