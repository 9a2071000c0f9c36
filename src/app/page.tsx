export default function HomePage() {
  return (
    <main>
      <h1>Signing jobs</h1>
      <p>
        The document-signing API and its background jobs are running. Health: <a href="/api/health">/api/health</a>.
      </p>
    </main>
  );
}
