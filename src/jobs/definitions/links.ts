/** Links in emails, under PUBLIC_WEBAPP_URL. Tokens go in the path; opening a link only shows a page (a GET never acts). */
export const links = {
  signing: (base: string, token: string) => `${base}/sign/${encodeURIComponent(token)}`,
  verifyEmail: (base: string, token: string) => `${base}/verify-email/${encodeURIComponent(token)}`,
  resetPassword: (base: string, token: string) => `${base}/reset-password/${encodeURIComponent(token)}`,
  document: (base: string, documentId: string) => `${base}/documents/${documentId}`,
  webhookSettings: (base: string) => `${base}/settings/webhooks`,
  jobHealth: (base: string) => `${base}/api/health/jobs`,
};
