//! Ratings as compressed sparse rows, by user and by item, over dense indices remapped from i32 ids.
use mp_core::{Error, ErrorCode, Result};
use serde::{Deserialize, Serialize};

/// Sorted distinct ids: dense index = rank. An id absent at predict time is a cold start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdMap {
    ids: Vec<i32>,
}

impl IdMap {
    fn from_ids(all: &[i32]) -> Self {
        let mut ids = all.to_vec();
        ids.sort_unstable();
        ids.dedup();
        IdMap { ids }
    }
    pub fn len(&self) -> usize {
        self.ids.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
    pub fn index(&self, id: i32) -> Option<usize> {
        self.ids.binary_search(&id).ok()
    }
    /// Strictly increasing (a decoded file could hold anything).
    pub fn is_valid(&self) -> bool {
        self.ids.windows(2).all(|w| w[0] < w[1])
    }
}

/// One orientation of the ratings: row `r` holds (`idx[k]`, `val[k]`) for `k` in `ptr[r]..ptr[r + 1]`,
/// columns ascending within a row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Csr {
    ptr: Vec<u64>,
    idx: Vec<u32>,
    val: Vec<f32>,
}

impl Csr {
    /// Rows of `rows` (entries ordered by `order`), each row in the given order (a stable counting sort).
    fn build(n_rows: usize, rows: &[u32], cols: &[u32], vals: &[f32], order: impl Iterator<Item = usize>) -> Self {
        let mut ptr = vec![0u64; n_rows + 1];
        for &r in rows {
            ptr[r as usize + 1] += 1;
        }
        for r in 0..n_rows {
            ptr[r + 1] += ptr[r];
        }
        let mut next: Vec<u64> = ptr[..n_rows].to_vec();
        let (mut idx, mut val) = (vec![0u32; rows.len()], vec![0f32; rows.len()]);
        for k in order {
            let slot = &mut next[rows[k] as usize];
            idx[*slot as usize] = cols[k];
            val[*slot as usize] = vals[k];
            *slot += 1;
        }
        Csr { ptr, idx, val }
    }

    /// The other orientation; rows come out with columns ascending when this one's rows are in order.
    fn transpose(&self, n_cols: usize) -> Self {
        let n_rows = self.n_rows();
        let mut rows = Vec::with_capacity(self.idx.len());
        for r in 0..n_rows {
            rows.extend(std::iter::repeat_n(r as u32, self.row_len(r)));
        }
        Csr::build(n_cols, &self.idx, &rows, &self.val, 0..self.idx.len())
    }

    pub fn n_rows(&self) -> usize {
        self.ptr.len() - 1
    }
    pub fn nnz(&self) -> usize {
        self.idx.len()
    }
    /// Every value, row after row.
    pub fn values(&self) -> &[f32] {
        &self.val
    }
    pub fn row_len(&self, r: usize) -> usize {
        (self.ptr[r + 1] - self.ptr[r]) as usize
    }
    /// Column indices and values of row `r`.
    pub fn row(&self, r: usize) -> (&[u32], &[f32]) {
        let (a, b) = (self.ptr[r] as usize, self.ptr[r + 1] as usize);
        (&self.idx[a..b], &self.val[a..b])
    }
    /// `n_rows` rows, pointers monotone and in bounds, columns < `n_cols`, values finite.
    pub fn is_valid(&self, n_rows: usize, n_cols: usize) -> bool {
        self.ptr.len() == n_rows + 1
            && self.ptr[0] == 0
            && self.ptr.windows(2).all(|w| w[0] <= w[1])
            && self.ptr[n_rows] == self.idx.len() as u64
            && self.idx.len() == self.val.len()
            && self.idx.iter().all(|&c| (c as usize) < n_cols)
            && self.val.iter().all(|v| v.is_finite())
    }
}

/// Most ratings one fit takes (indices are u32).
pub const MAX_RATINGS: usize = u32::MAX as usize;

/// The training ratings: ids, both orientations and the global mean.
#[derive(Debug, Clone)]
pub struct Ratings {
    pub users: IdMap,
    pub items: IdMap,
    pub by_user: Csr,
    pub by_item: Csr,
    pub mean: f64,
}

impl Ratings {
    /// Checks (equal lengths, at least one rating, finite values) and indexes `(users[k], items[k], values[k])`.
    /// A repeated (user, item) pair counts as two observations.
    pub fn new(users: &[i32], items: &[i32], values: &[f32]) -> Result<Self> {
        let n = values.len();
        if users.len() != n || items.len() != n {
            return Err(Error::shape(format!(
                "users ({}), items ({}) and values ({n}) must have the same length",
                users.len(),
                items.len()
            )));
        }
        if n == 0 {
            return Err(Error::new(ErrorCode::EmptyData, "no ratings: users, items and values are empty"));
        }
        if n > MAX_RATINGS {
            return Err(Error::shape(format!("{n} ratings is over the supported maximum {MAX_RATINGS}")));
        }
        if let Some(k) = values.iter().position(|v| !v.is_finite()) {
            return Err(Error::new(ErrorCode::NonFinite, format!("value at index {k} is {} (user {}, item {})", values[k], users[k], items[k])));
        }
        let (um, im) = (IdMap::from_ids(users), IdMap::from_ids(items));
        let dense = |m: &IdMap, ids: &[i32]| -> Vec<u32> { ids.iter().map(|&id| m.index(id).expect("id is in its map") as u32).collect() };
        let (u, i) = (dense(&um, users), dense(&im, items));
        let first = Csr::build(um.len(), &u, &i, values, 0..n);
        let by_item = first.transpose(im.len());
        let by_user = by_item.transpose(um.len());
        let mean = values.iter().map(|&v| v as f64).sum::<f64>() / n as f64;
        Ok(Ratings { users: um, items: im, by_user, by_item, mean })
    }

    pub fn len(&self) -> usize {
        self.by_user.nnz()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Dense indices of (user, item) pairs to score: `None` = unknown (cold start). Lengths are checked.
pub fn lookup(users: &IdMap, items: &IdMap, u: &[i32], i: &[i32]) -> Result<Vec<(Option<usize>, Option<usize>)>> {
    if u.len() != i.len() {
        return Err(Error::shape(format!("users ({}) and items ({}) must have the same length", u.len(), i.len())));
    }
    Ok(u.iter().zip(i).map(|(&a, &b)| (users.index(a), items.index(b))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_orientations_hold_every_rating_sorted() {
        let r = Ratings::new(&[30, 10, 30, 20], &[7, 7, -1, 5], &[1.0, 2.0, 3.0, 4.0]).unwrap();
        assert_eq!((r.users.len(), r.items.len(), r.len()), (3, 3, 4));
        assert_eq!(r.by_user.row(2), (&[0u32, 2][..], &[3.0f32, 1.0][..])); // user 30: items -1, 7
        assert_eq!(r.by_item.row(2), (&[0u32, 2][..], &[2.0f32, 1.0][..])); // item 7: users 10, 30
        assert!(r.by_user.is_valid(3, 3) && r.by_item.is_valid(3, 3));
        assert_eq!(r.mean, 2.5);
        assert_eq!(r.items.index(-1), Some(0));
        assert_eq!(r.items.index(6), None);
    }

    #[test]
    fn bad_inputs_are_coded() {
        assert_eq!(Ratings::new(&[1], &[1, 2], &[1.0]).unwrap_err().code(), ErrorCode::ShapeMismatch);
        assert_eq!(Ratings::new(&[], &[], &[]).unwrap_err().code(), ErrorCode::EmptyData);
        let e = Ratings::new(&[1, 2], &[1, 2], &[1.0, f32::NAN]).unwrap_err();
        assert_eq!(e.code(), ErrorCode::NonFinite);
        assert!(e.message().contains("index 1"), "{e}");
        assert_eq!(lookup(&IdMap::from_ids(&[1]), &IdMap::from_ids(&[1]), &[1], &[]).unwrap_err().code(), ErrorCode::ShapeMismatch);
    }
}
